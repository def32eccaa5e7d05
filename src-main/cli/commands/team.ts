/**
 * The team server from the command line: `atax --store URL serve …` and the users of a
 * store (`users add|list|remove|rotate-token|set-password`). Make the first admin with
 * `users add NAME --role admin` on the server's store; a token is printed once.
 */
import type { TeamUser, TeamUserWithToken, UserRole } from '../../../src-shared/api/contract'
import { USER_ROLES } from '../../../src-shared/api/contract'
import { DataError, defineCommand, UsageError, type CommandContext } from '../command'
import { opt, table } from './common'

/** The password on standard input: up to the first newline (or all of it), without the newline. */
async function passwordFromStdin(): Promise<string> {
  if (process.stdin.isTTY) process.stderr.write('password (then Enter): ')
  const chunks: Buffer[] = []
  for await (const chunk of process.stdin) {
    chunks.push(chunk as Buffer)
    if ((chunk as Buffer).includes(10)) break
  }
  process.stdin.pause()
  const text = Buffer.concat(chunks).toString('utf8')
  const line = text.split(/\r?\n/)[0]
  if (!line) throw new DataError('no password on standard input')
  return line
}

function printToken(c: CommandContext, u: TeamUserWithToken, what: string) {
  c.print(
    `${what} ${u.name} (${u.role}). Their token, shown this once (keep it; it cannot be shown again):\n${u.token}`,
    { name: u.name, role: u.role, token: u.token },
  )
}

function parsePort(text: string | undefined): number {
  const port = Number(text)
  if (text === undefined || !/^\d+$/.test(text) || port > 65535)
    throw new UsageError(`--port: "${text}" is not a port number (0-65535)`)
  return port
}

export const teamCommands = [
  defineCommand({
    words: ['serve'],
    summary: 'run the team server: the app and its API over the store, for many users with roles',
    options: {
      port: { value: 'N', required: true },
      host: { value: 'H' },
      'tls-cert': { value: 'F' },
      'tls-key': { value: 'F' },
      'trust-proxy': {},
    },
    help: [
      'Serves the store named by --store (or --db) and prints its address on one line. Users sign in',
      'with a password at /login, or send their token (Authorization: Bearer TOKEN). Make the first',
      'admin with `atax --store URL users add NAME --role admin --password-stdin`.',
      '--host: the address to listen on (default 127.0.0.1; 0.0.0.0 for every interface).',
      '--tls-cert/--tls-key: serve https with this PEM certificate and key. Else put a reverse proxy',
      'that terminates TLS in front and give --trust-proxy (X-Forwarded-Proto/-For are then believed).',
      'Runs until Ctrl+C.',
    ].join('\n'),
    run: async (c) => {
      if (c.globals.db === undefined && !c.io.env.ATAX_DB)
        throw new UsageError('serve needs the store to serve: atax --store FILE|postgres://… serve --port N')
      const port = parsePort(opt(c, 'port'))
      const cert = opt(c, 'tls-cert')
      const key = opt(c, 'tls-key')
      if ((cert === undefined) !== (key === undefined)) throw new UsageError('give --tls-cert and --tls-key together')
      const { startTeamMode } = await import('../../web/teamStart')
      try {
        await startTeamMode({
          db: c.globals.db,
          port,
          host: opt(c, 'host'),
          tlsCert: cert,
          tlsKey: key,
          trustProxy: c.values['trust-proxy'] === true,
          env: c.io.env,
          stdout: c.io.stdout,
          stderr: c.io.stderr,
        })
      } catch (err) {
        const code = (err as NodeJS.ErrnoException).code
        if (code === 'EADDRINUSE' || code === 'EACCES' || code === 'EADDRNOTAVAIL')
          throw new DataError(
            `--port ${port}: ${code === 'EADDRINUSE' ? 'already in use' : code === 'EACCES' ? 'not allowed' : 'no such address to listen on'}`,
          )
        if (/^--tls-/.test((err as Error).message ?? '')) throw new DataError((err as Error).message)
        throw err
      }
    },
  }),
  defineCommand({
    words: ['users', 'add'],
    summary: "add a user of the team server; prints the user's token once",
    positionals: [{ value: 'NAME', field: 'name' }],
    options: { role: { value: USER_ROLES.join('|'), required: true, field: 'role' }, 'password-stdin': {} },
    help: 'Roles: viewer (reads), editor (reads and writes), admin (and users). --password-stdin: the password for the browser sign-in, read from standard input (without it, the user signs in with the token only until `users set-password`).',
    run: async (c) => {
      const role = opt(c, 'role') as UserRole | undefined
      if (role === undefined) throw new UsageError('--role is required')
      const password = c.values['password-stdin'] === true ? await passwordFromStdin() : undefined
      const added = await c.call(
        'users.add',
        { name: c.positionals[0], role, ...(password ? { password } : {}) },
        { flagOf: { name: 'NAME', role: '--role', password: 'the password' } },
      )
      printToken(c, added, 'added')
    },
  }),
  defineCommand({
    words: ['users', 'list'],
    summary: 'list the users of the team server (never their tokens or passwords)',
    run: async (c) => {
      const list: TeamUser[] = await c.call('users.list', {})
      c.print(
        list.length
          ? table(
              ['name', 'role', 'password', 'since'],
              list.map((u) => [u.name, u.role, u.hasPassword ? 'set' : '-', u.createdAt.slice(0, 10)]),
            )
          : 'no users yet: `atax --store URL users add NAME --role admin`',
        list,
      )
    },
  }),
  defineCommand({
    words: ['users', 'remove'],
    summary: 'remove a user: their token and sessions stop working at once',
    positionals: [{ value: 'NAME', field: 'name' }],
    run: async (c) => {
      const r = await c.call('users.remove', { name: c.positionals[0] })
      c.print(`removed ${r.removed}`, r)
    },
  }),
  defineCommand({
    words: ['users', 'rotate-token'],
    summary: 'give a user a new token (printed once); the old one stops working',
    positionals: [{ value: 'NAME', field: 'name' }],
    run: async (c) => printToken(c, await c.call('users.rotateToken', { name: c.positionals[0] }), 'new token for'),
  }),
  defineCommand({
    words: ['users', 'set-password'],
    summary: "set a user's browser password, read from standard input; their sessions end",
    positionals: [{ value: 'NAME', field: 'name' }],
    options: { 'password-stdin': {} },
    help: 'The password is read from standard input (--password-stdin says so explicitly; it is the only way).',
    run: async (c) => {
      const password = await passwordFromStdin()
      const u = await c.call(
        'users.setPassword',
        { name: c.positionals[0], password },
        { flagOf: { name: 'NAME', password: 'the password' } },
      )
      c.print(`password set for ${u.name}`, u)
    },
  }),
]
