/**
 * The Content Security Policy of the app's page, sent by the web server and by the
 * Electron session. (index.html carries the same policy in a meta tag, less
 * frame-ancestors, which a meta tag cannot carry, for pages loaded from file://.)
 */
export const CONTENT_SECURITY_POLICY =
  "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data: blob:; connect-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'none'"
