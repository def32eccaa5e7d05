import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { projectCreate } from '../../../../src-shared/api/schemas'
import { escapeXml } from '../../../../src-shared/report/svg'
import { renderHtml } from '../../../../src-main/exporters/html'
import { buildReport } from '../../../../src-main/exporters/reportModel'
import { createProject } from '../../../../src-main/services/projects'
import { loadSample } from '../../../../src-main/services/sample'
import { openTempApp } from '../../../support/tempDb'
import { HOSTILE, resourceReferences, seedHostileProject } from './helpers'

describe('resourceReferences (the scan the tests rely on)', () => {
  it('finds what a page would load, and not escaped text', async () => {
    expect(
      resourceReferences('<img src="https://x/a.png"><a href=//x>k</a><p style="background: url(http://y)">'),
    ).toEqual(['https://x/a.png', '//x', 'http://y'])
    expect(resourceReferences('<style>@import "z.css"; p { background: url( //w ) }</style>')).toEqual([
      '//w ',
      '"z.css"',
    ])
    expect(resourceReferences('<p title="&lt;img src=x&gt;">&lt;img src=//y&gt;</p>')).toEqual([])
  })
})

describe('renderHtml', () => {
  let app: ReturnType<typeof openTempApp>
  beforeEach(async () => {
    app = openTempApp()
  })
  afterEach(async () => app.close())

  it('escapes every text the user typed: no markup of theirs reaches the page', async () => {
    await seedHostileProject(app.env)
    const html = renderHtml(await buildReport(app.env))
    for (const text of Object.values(HOSTILE)) {
      // Each appears, escaped (newlines kept as they are in HTML text).
      expect(html).toContain(escapeXml(text))
    }
    expect(html).not.toMatch(/<script/i)
    expect(html).not.toMatch(/<img/i)
    expect(html).not.toMatch(/<iframe/i)
    expect(html).not.toMatch(/<svg onload/i)
    expect(html).not.toMatch(/<u>|<i>|<b>/)
    expect(html).not.toContain('</td></tr></table>\n') // the phase name did not close the table
    expect(html).toContain('&lt;script&gt;alert(1)&lt;/script&gt;')
    // Nothing the user typed became something to load.
    for (const ref of resourceReferences(html)) expect(ref).toMatch(/^#/)
  })

  it('is self-contained: no script, no external resource, no URL at all', async () => {
    await loadSample(app.env)
    const html = renderHtml(await buildReport(app.env))
    expect(html).not.toMatch(/https?:\/\//)
    expect(html).not.toMatch(/<script|<link|<img|<iframe|<object|<embed|@font-face|@import/i)
    expect(resourceReferences(html)).toEqual([]) // one project: no table of contents either
    expect(html).toContain(`content="default-src 'none'; style-src 'unsafe-inline'"`)
    expect(html.match(/<svg class="chart"/g)).toHaveLength(4) // deployment, development, 2 × regressions
  })

  it('prints on A4 with each project on a new page', async () => {
    await loadSample(app.env)
    await createProject(app.env, projectCreate.parse({ name: 'Second effort' }))
    const html = renderHtml(await buildReport(app.env))
    expect(html).toMatch(/@page \{ size: A4;/)
    expect(html).toMatch(/@media print \{/)
    expect(html).toMatch(/section\.project \+ section\.project \{ break-before: page;/)
    expect(html.match(/<section class="project"/g)).toHaveLength(2)
    // With several projects, a table of contents links to them within the page.
    expect(resourceReferences(html).sort()).toEqual(['#project-1', '#project-2'])
  })

  it('marks sample data, and says what is missing instead of leaving gaps', async () => {
    const { projectId } = await loadSample(app.env)
    const sampleHtml = renderHtml(await buildReport(app.env, projectId))
    expect(sampleHtml).toContain('<span class="badge sample">Sample data</span>')
    expect(sampleHtml).toContain('not measurements of a real model')

    const empty = await createProject(app.env, projectCreate.parse({ name: 'Fresh' }))
    const emptyHtml = renderHtml(await buildReport(app.env, empty.id))
    expect(emptyHtml).not.toContain('badge sample')
    expect(emptyHtml).toContain('No generations recorded yet.')
    expect(emptyHtml).toContain('No files imported')
  })

  it('renders an empty workspace', async () => {
    const html = renderHtml(await buildReport(app.env))
    expect(html).toContain('No projects yet')
    expect(html).toContain('</html>')
  })
})
