import fc from 'fast-check'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { renderMarkdown, mdParagraph, mdText } from '../../../../src-main/exporters/markdown'
import { buildReport } from '../../../../src-main/exporters/reportModel'
import { loadSample } from '../../../../src-main/services/sample'
import { openTempApp } from '../../../support/tempDb'
import { HOSTILE, seedHostileProject } from './helpers'

/** The cells of a Markdown table row, split on unescaped pipes. */
function cellsOf(row: string): string[] {
  return row.replace(/^\| | \|$/g, '').split(/(?<!\\) \| /)
}

describe('mdText', () => {
  it('turns markup into entities and escapes Markdown punctuation', async () => {
    expect(mdText('<b>x</b> & y')).toBe('&lt;b&gt;x&lt;/b&gt; &amp; y')
    expect(mdText('a|b *c* _d_ [e](f) `g`')).toBe('a\\|b \\*c\\* \\_d\\_ \\[e\\](f) \\`g\\`')
    expect(mdText('two\nlines\r\nhere')).toBe('two lines here')
  })

  it('leaves figures as they are', async () => {
    for (const figure of ['-10.31%', '$1.23M', '9.0 months', '0.712 ± 0.005', '3× faster (-66.7%)']) {
      expect(mdText(figure)).toBe(figure)
    }
  })

  it('never leaves a pipe, angle bracket or line break that could break a table row', async () => {
    fc.assert(
      fc.property(fc.string(), (s) => {
        const out = mdText(s)
        expect(out).not.toMatch(/[<>\r\n]/)
        expect(out).not.toMatch(/(^|[^\\])(\\\\)*\|/)
      }),
    )
  })
})

describe('mdParagraph', () => {
  it('keeps a paragraph from starting a heading, list or quote', async () => {
    expect(mdParagraph('# not a heading')).toBe('\\# not a heading')
    expect(mdParagraph('- not a list')).toBe('\\- not a list')
    expect(mdParagraph('1. not a list')).toBe('1\\. not a list')
    expect(mdParagraph('> not a quote')).toBe('&gt; not a quote')
  })
})

describe('renderMarkdown', () => {
  let app: ReturnType<typeof openTempApp>
  beforeEach(async () => {
    app = openTempApp()
  })
  afterEach(async () => app.close())

  it('keeps every table intact whatever the user typed', async () => {
    await seedHostileProject(app.env)
    const md = renderMarkdown(await buildReport(app.env))
    expect(md).not.toMatch(/<(script|img|iframe|svg|u|i|b)\b/i)
    expect(md).toContain('## &lt;script&gt;alert(1)&lt;/script&gt;')
    // Every table row has as many cells as its header.
    const lines = md.split('\n')
    let columns = 0
    lines.forEach((line, i) => {
      if (!line.startsWith('|')) {
        columns = 0
        return
      }
      if (columns === 0) {
        columns = cellsOf(line).length
        expect(lines[i + 1], `rule under line ${i + 1}`).toMatch(/^\|( -{3}:? \|)+$/)
      } else if (!/^\|( -{3}:? \|)+$/.test(line)) {
        expect(cellsOf(line), line).toHaveLength(columns)
      }
    })
    expect(md).toContain(mdText(HOSTILE.costNote))
    expect(md).toContain(`| ${mdText(HOSTILE.benchmark)} | ${mdText(HOSTILE.metric)} |`)
  })

  it('marks the sample project as sample data', async () => {
    await loadSample(app.env)
    const md = renderMarkdown(await buildReport(app.env))
    expect(md).toContain('## RLHF pipeline (sample) (sample data)')
    expect(md).toMatch(/^> \*\*Sample data: /m)
  })
})
