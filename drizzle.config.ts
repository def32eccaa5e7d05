import { defineConfig } from 'drizzle-kit'

// SQLite (the embedded file); PostgreSQL's schema and migrations: drizzle.pg.config.ts.
export default defineConfig({
  dialect: 'sqlite',
  schema: './src-main/db/schema.ts',
  out: './drizzle/sqlite',
})
