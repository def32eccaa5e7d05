/**
 * The team server as an administrator runs it: the built CLI (`atax --store S serve --port 0`)
 * in its own process, its address read from the one line it prints; users added with
 * `atax --store S users add`. For the tests and the team bench (test/bench/teamBench.ts).
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process'
import path from 'node:path'
import { REPO_ROOT } from './tempDb'

const ATAX = path.join(REPO_ROOT, 'bin/atax.mjs')
const ENV = () => ({ ...process.env, ATAX_DB: '', ATAX_SERVER: '', ATAX_TOKEN: '', ATAX_DEBUG: '' })

export interface ServeProcess {
  /** e.g. http://127.0.0.1:40123/ (no trailing path). */
  url: string
  child: ChildProcess
  /** What it wrote on stderr so far. */
  stderr: () => string
  stop(): Promise<void>
}

/** Starts `atax --store STORE serve --port 0` and waits for its address. */
export async function startServe(store: string, args: string[] = []): Promise<ServeProcess> {
  const child = spawn(process.execPath, [ATAX, '--store', store, 'serve', '--port', '0', ...args], {
    cwd: REPO_ROOT,
    env: ENV(),
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  let err = ''
  child.stderr!.on('data', (d: Buffer) => (err += d.toString()))
  const url = await new Promise<string>((resolve, reject) => {
    let out = ''
    const timer = setTimeout(() => reject(new Error(`serve did not print its address in 30 s: ${err}`)), 30_000)
    child.stdout!.on('data', (d: Buffer) => {
      out += d.toString()
      const m = /team server\) at (https?:\/\/[^\s/]+)\/?\n/.exec(out)
      if (m) {
        clearTimeout(timer)
        resolve(m[1])
      }
    })
    child.on('exit', (code) => {
      clearTimeout(timer)
      reject(new Error(`serve exited with ${code}: ${err}`))
    })
  })
  return {
    url,
    child,
    stderr: () => err,
    stop: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null || child.signalCode !== null) return resolve()
        child.once('exit', () => resolve())
        child.kill('SIGTERM')
      }),
  }
}

/** `atax [--json] ARGS` (spawned, synchronous), with `input` on stdin. */
export function atax(args: string[], input = '') {
  const r = spawnSync(process.execPath, [ATAX, ...args], { cwd: REPO_ROOT, encoding: 'utf8', input, env: ENV() })
  return { code: r.status, stdout: r.stdout, stderr: r.stderr }
}

/** Adds a user to the store by the CLI; returns their token. */
export function addUser(store: string, name: string, role: 'viewer' | 'editor' | 'admin', password?: string): string {
  const r = atax(
    ['--store', store, '--json', 'users', 'add', name, '--role', role, ...(password ? ['--password-stdin'] : [])],
    password ? `${password}\n` : '',
  )
  if (r.code !== 0) throw new Error(`users add ${name}: exit ${r.code}: ${r.stderr}`)
  return (JSON.parse(r.stdout) as { token: string }).token
}

export interface ApiAnswer {
  status: number
  body: { ok: boolean; value?: any; error?: { code: string; message: string } }
}

/** One API request with a bearer token. */
export async function api(base: string, token: string, name: string, input: unknown): Promise<ApiAnswer> {
  const r = await fetch(`${base}/api/${name}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
    body: JSON.stringify(input),
  })
  return { status: r.status, body: (await r.json()) as ApiAnswer['body'] }
}
