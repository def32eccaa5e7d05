/**
 * Benchmark groups on a generation's page: an mmlu run imported (baseline and aligned,
 * as lm-eval v0.4 writes them, with sub-groups and subtasks) shows mmlu collapsed to its
 * aggregate row, expands to its sub-groups and subtasks, and counts once in the
 * headline. Screenshots, light and dark, collapsed and expanded, under test-results/.
 * The sample workspace's glue, a group the file gives no aggregate for, collapses and
 * expands through its header row, and its headline metric is chosen there.
 */
import { describe, expect, it } from 'vitest'
import type { Page } from 'playwright'
import { runImport } from '../../src-main/services/imports'
import { browserPerFile, goto, screenshot } from './harness'
import { seedProjectWithGeneration, seedSample } from './seed'

const { open } = browserPerFile()

const SUBTASKS: Record<string, string[]> = {
  mmlu_stem: ['mmlu_anatomy', 'mmlu_astronomy', 'mmlu_college_physics'],
  mmlu_humanities: ['mmlu_philosophy', 'mmlu_world_religions'],
  mmlu_social_sciences: ['mmlu_econometrics', 'mmlu_sociology'],
  mmlu_other: ['mmlu_nutrition', 'mmlu_virology'],
}

/** An lm-eval v0.4.3+ results file of the mmlu group (aggregates at every level) plus arc_easy. */
function mmluRun(shift: number): Buffer {
  const results: Record<string, Record<string, unknown>> = {}
  let i = 0
  const score = () => 0.4 + ((i++ * 37) % 40) / 100
  results.mmlu = { 'acc,none': 0.62 - shift, 'acc_stderr,none': 0.004, alias: 'mmlu' }
  for (const [group, tasks] of Object.entries(SUBTASKS)) {
    results[group] = { 'acc,none': 0.6 - shift, 'acc_stderr,none': 'N/A', alias: ` - ${group.slice(5)}` }
    for (const task of tasks) {
      results[task] = { alias: `  - ${task.slice(5)}`, 'acc,none': score() - shift, 'acc_stderr,none': 0.04 }
    }
  }
  results.arc_easy = {
    alias: 'arc_easy',
    'acc,none': 0.7 - shift,
    'acc_stderr,none': 0.01,
    'acc_norm,none': 0.66 - shift,
    'acc_norm_stderr,none': 0.01,
  }
  const doc = {
    results,
    groups: Object.fromEntries(['mmlu', ...Object.keys(SUBTASKS)].map((g) => [g, results[g]])),
    group_subtasks: { ...SUBTASKS, mmlu: Object.keys(SUBTASKS), arc_easy: [] },
    higher_is_better: { mmlu: { acc: true } },
    model_name: shift ? 'org/model-instruct' : 'org/model-base',
  }
  return Buffer.from(JSON.stringify(doc, null, 2))
}

async function tableBenchmarks(page: Page): Promise<string[]> {
  return page
    .getByRole('table', { name: 'Benchmark regressions' })
    .locator('tbody tr[data-benchmark]')
    .evaluateAll((rows) => rows.map((r) => r.getAttribute('data-benchmark')!))
}

describe.each(['light', 'dark'] as const)('an imported mmlu group, %s theme', (scheme) => {
  it('shows mmlu collapsed to its aggregate, expands to its subtasks, and counts it once', async () => {
    let generationId = 0
    const session = await open({
      colorScheme: scheme,
      seed: async (app) => {
        generationId = (await seedProjectWithGeneration(app)).generationId
        for (const [role, shift] of [
          ['baseline', 0],
          ['aligned', 0.02],
        ] as const) {
          await runImport(app.env, {
            format: 'lm-eval',
            fileName: `${role}.json`,
            bytes: mmluRun(shift),
            generationId,
            role,
          })
        }
      },
    })
    const { page } = session
    await goto(page, `#/generation/${generationId}`)
    const table = page.getByRole('table', { name: 'Benchmark regressions' })
    const toggle = table.getByRole('button', { name: 'Expand group mmlu' })
    await toggle.waitFor()

    // Collapsed: the group's own rows and the other top-level benchmark only.
    expect(await tableBenchmarks(page)).toEqual(['arc_easy', 'arc_easy', 'mmlu'])
    await expect.poll(() => table.getByText('headline', { exact: true }).count()).toBe(2)
    await page.locator('#performance').scrollIntoViewIfNeeded()
    await screenshot(page, `generation-mmlu-collapsed-${scheme}`)

    await toggle.click()
    await table.getByRole('button', { name: 'Collapse group mmlu' }).waitFor()
    // Expanded one level: the sub-groups, each collapsible in turn.
    await expect
      .poll(() => tableBenchmarks(page))
      .toEqual(['arc_easy', 'arc_easy', 'mmlu', 'mmlu_humanities', 'mmlu_other', 'mmlu_social_sciences', 'mmlu_stem'])
    await table.getByRole('button', { name: 'Expand group mmlu_stem' }).click()
    await table.getByRole('button', { name: 'Collapse group mmlu_stem' }).waitFor()
    await expect.poll(async () => (await tableBenchmarks(page)).includes('mmlu_anatomy')).toBe(true)
    const shown = await tableBenchmarks(page)
    expect(shown.indexOf('mmlu_anatomy')).toBe(shown.indexOf('mmlu_stem') + 1)
    for (const task of SUBTASKS.mmlu_stem) expect(shown).toContain(task)
    expect(shown).not.toContain('mmlu_philosophy')
    // Still counted once: the headline badges did not move.
    expect(await table.getByText('headline', { exact: true }).count()).toBe(2)
    await screenshot(page, `generation-mmlu-expanded-${scheme}`)
    // Long group names do not push the actions out of the panel at 1360 px: every Delete button is inside it.
    const panel = await page.locator('#performance').boundingBox()
    const deletes = table.getByRole('button', { name: /^Delete / })
    expect(await deletes.count()).toBe(shown.length)
    for (const box of await deletes.evaluateAll((buttons) => buttons.map((b) => b.getBoundingClientRect().right))) {
      expect(box).toBeLessThanOrEqual(panel!.x + panel!.width)
    }

    // The user counts arc_easy by acc instead of the table's acc_norm: the badge moves.
    const arcRows = table.locator('tbody tr[data-benchmark="arc_easy"]')
    await expect.poll(() => arcRows.nth(1).getByText('headline', { exact: true }).count()).toBe(1)
    await table.getByRole('button', { name: 'Count arc_easy by acc in the headline' }).click()
    await expect.poll(() => arcRows.nth(0).getByText('headline', { exact: true }).count()).toBe(1)
    expect(await arcRows.nth(1).getByText('headline', { exact: true }).count()).toBe(0)
    expect(session.errors).toEqual([])
  })
})

describe("a group without an aggregate score (the sample workspace's glue)", () => {
  it('collapses and expands through its header, and its headline metric is chosen there', async () => {
    let generationId = 0
    const session = await open({
      seed: async (app) => {
        await seedSample(app)
        generationId = (
          app.env.sqlite.prepare('SELECT id FROM generations WHERE name = ?').get('Gen 2 (175B, refreshed)') as {
            id: number
          }
        ).id
      },
    })
    const { page } = session
    await goto(page, `#/generation/${generationId}`)
    const table = page.getByRole('table', { name: 'Benchmark regressions' })
    const header = table.locator('tbody tr[data-group="glue"]')
    const figure = header.getByTestId('group-figure')
    const mean = page.locator('.stat', {
      has: page.locator('.stat-label', { hasText: /^Mean benchmark regression$/ }),
    })

    // Collapsed at first, like mmlu: glue's header row, none of its subtasks.
    const expand = table.getByRole('button', { name: 'Expand group glue' })
    await expand.waitFor()
    expect(await expand.getAttribute('aria-expanded')).toBe('false')
    let shown = await tableBenchmarks(page)
    expect(shown).not.toContain('cola')
    expect(shown).not.toContain('rte')
    expect(shown).toContain('mmlu')
    // By default glue counts by acc, computed from rte (0.643 → 0.661: a gain, in %).
    expect(await figure.innerText()).toMatch(/headline: acc, computed from 1 subtask: .*%/)
    const meanBefore = await mean.locator('.stat-value').innerText()

    // Expanded from the keyboard: its subtasks under the header, which stays one row.
    await expand.focus()
    await page.keyboard.press('Enter')
    const collapse = table.getByRole('button', { name: 'Collapse group glue' })
    await collapse.waitFor()
    expect(await collapse.getAttribute('aria-expanded')).toBe('true')
    await expect.poll(async () => (await tableBenchmarks(page)).includes('cola')).toBe(true)
    shown = await tableBenchmarks(page)
    expect(shown).toContain('rte')
    expect(await header.count()).toBe(1)
    const order = await table
      .locator('tbody tr')
      .evaluateAll((rows) => rows.map((r) => r.getAttribute('data-group') ?? r.getAttribute('data-benchmark')))
    expect(order.indexOf('cola')).toBe(order.indexOf('glue') + 1)

    // Its subtasks' metrics in file order (cola first). The user counts glue by mcc: computed from cola, a signed metric, in points; the mean leaves glue out.
    const select = table.getByRole('combobox', { name: 'Headline metric of glue' })
    expect(await select.locator('option').allInnerTexts()).toEqual(['default', 'mcc', 'acc'])
    await select.selectOption('mcc')
    await expect.poll(() => figure.innerText()).toMatch(/headline: mcc, computed from 1 subtask: \+0\.31 pts/)
    await expect.poll(() => mean.locator('.stat-value').innerText()).not.toBe(meanBefore)
    expect(await select.inputValue()).toBe('mcc')

    // Collapsed again: the subtasks go, the header and the choice stay.
    await collapse.click()
    await expand.waitFor()
    await expect.poll(async () => (await tableBenchmarks(page)).includes('cola')).toBe(false)
    expect(await figure.innerText()).toContain('headline: mcc')

    // Back to the documented rule: acc again, and the mean as it was.
    await select.selectOption('')
    await expect.poll(() => figure.innerText()).toMatch(/headline: acc, computed from 1 subtask: .*%/)
    await expect.poll(() => mean.locator('.stat-value').innerText()).toBe(meanBefore)
    expect(session.errors).toEqual([])
  })
})
