/**
 * What each request of the contract needs on a team server, in one place: `read` (a viewer),
 * `write` (an editor) or `admin`. A Record over every ApiName, so a new request is a compile
 * error until it is classified here. Loopback web mode and the desktop app do not use it.
 */
import type { ApiName, UserRole } from './contract'

export type Access = 'read' | 'write' | 'admin'

export const API_ACCESS: Record<ApiName, Access> = {
  'app.info': 'read',
  'app.dismissFirstRun': 'write',
  'sample.load': 'write',

  'projects.list': 'read',
  'projects.create': 'write',
  'projects.update': 'write',
  'projects.delete': 'write',
  'projects.restore': 'write',
  'projects.trash': 'read',
  'projects.emptyTrash': 'write',
  'projects.summary': 'read',
  // A pushed project: written as any editor writes.
  'projects.receive': 'write',
  // Pushing goes from a local store to a server: a team server does not push onward (the handler refuses it there).
  'projects.push': 'admin',

  'generations.list': 'read',
  'generations.listAll': 'read',
  'generations.get': 'read',
  'generations.create': 'write',
  'generations.update': 'write',
  'generations.delete': 'write',

  'measurements.list': 'read',
  'performance.list': 'read',
  'performance.setHeadlineMetric': 'write',
  'measurements.page': 'read',
  'measurements.create': 'write',
  'measurements.update': 'write',
  'measurements.delete': 'write',

  'policies.list': 'read',
  'policies.create': 'write',
  'policies.delete': 'write',
  'policies.update': 'write',

  'curves.list': 'read',
  'curves.create': 'write',
  'curves.delete': 'write',

  'costs.list': 'read',
  'costs.create': 'write',
  'costs.delete': 'write',
  'costs.update': 'write',

  'phases.list': 'read',
  'phases.create': 'write',
  'phases.delete': 'write',
  'phases.update': 'write',

  'plans.get': 'read',
  'plans.save': 'write',

  'audit.list': 'read',
  'trash.list': 'read',
  'trash.restore': 'write',
  'trash.empty': 'write',

  'snapshots.list': 'read',
  'snapshots.take': 'write',
  // Replaces everyone's data with a copy: the admin's call.
  'snapshots.restore': 'admin',

  'timeline.get': 'read',
  'compare.get': 'read',

  'imports.list': 'read',
  'imports.run': 'write',
  'imports.runFolder': 'write',

  'backup.export': 'read',
  // Replaces everyone's data with the file's: the admin's call.
  'backup.restore': 'admin',
  'reports.export': 'read',
  'reports.pdf': 'read',

  'tax.policy': 'read',
  'tax.curve': 'read',
  'tax.regression': 'read',

  'users.list': 'admin',
  'users.add': 'admin',
  'users.remove': 'admin',
  'users.rotateToken': 'admin',
  'users.setPassword': 'admin',
}

/** `POST /upload` stores a file for a later import or restore: a write. */
export const UPLOAD_ACCESS: Access = 'write'

const RANK: Record<UserRole, number> = { viewer: 0, editor: 1, admin: 2 }
const NEEDS: Record<Access, number> = { read: 0, write: 1, admin: 2 }

export function roleAllows(role: UserRole, access: Access): boolean {
  return RANK[role] >= NEEDS[access]
}

/** The role a request needs, in words for a 403. */
export function roleNeeded(access: Access): UserRole {
  return access === 'read' ? 'viewer' : access === 'write' ? 'editor' : 'admin'
}
