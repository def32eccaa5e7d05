import { defineConfig } from 'drizzle-kit'

// PostgreSQL (the team server); the embedded SQLite file's schema and migrations: drizzle.config.ts.
export default defineConfig({
  dialect: 'postgresql',
  schema: './src-main/db/pg/schema.ts',
  out: './drizzle/pg',
})
