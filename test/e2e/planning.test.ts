/**
 * The planning UI's main flows in Chromium against web mode, each on a fresh
 * database: projects and generations, benchmark regressions (and gains), an
 * inference policy's tax, comparing generations, delete with undo. One browser
 * for the file; no console errors in any flow.
 */
import { describe, expect, it } from 'vitest'
import type { Page } from 'playwright'
import { goto, browserPerFile, type Session } from './harness'
import { seedProjectWithGeneration, seedSample } from './seed'

const e2e = browserPerFile()
/** The current test's session (closed by browserPerFile after each test). */
let session: Session

const text = (page: Page, selector: string) => page.locator(selector).innerText()

/** The cell of the generations table in `row` (by generation name) under `column`. */
async function generationRow(page: Page, name: string): Promise<string> {
  return page.getByRole('table', { name: 'Generations' }).getByRole('row').filter({ hasText: name }).innerText()
}

describe('planning UI, in Chromium', () => {
  it('creates a project, adds two generations with dates, and sees time to deployment and the timeline update', async () => {
    session = await e2e.open()
    const { page } = session

    // First run: start empty, which opens the new-project dialog.
    await page.getByRole('button', { name: 'Start with an empty workspace' }).click()
    const projectDialog = page.getByRole('dialog', { name: 'New project' })
    await projectDialog.waitFor()
    // The name is validated as the user types, with the API's schema, next to the field.
    const nameBox = projectDialog.getByRole('textbox', { name: /Project name/ })
    await nameBox.fill('x')
    await nameBox.fill('')
    await expect.poll(() => nameBox.getAttribute('aria-invalid')).toBe('true')
    const describedBy = await nameBox.getAttribute('aria-describedby')
    expect(await page.locator(`[id="${describedBy}"]`).innerText()).toContain('name must not be empty')
    await nameBox.fill('Assistant RLHF')
    await projectDialog.getByRole('button', { name: 'Create project' }).click()
    await page.getByRole('heading', { name: 'Assistant RLHF' }).waitFor()
    await page.getByText(/No generations yet/).waitFor()

    // First generation, from the button.
    await page.getByRole('button', { name: '+ New generation' }).click()
    let dialog = page.getByRole('dialog', { name: 'New generation' })
    await dialog.getByRole('textbox', { name: /Generation name/ }).fill('Gen 1')
    await dialog.getByLabel(/Pretrained model ready on/).fill('2021-01-15')
    // A deployment before the pretrained date is refused, next to the deployed field; nothing is saved.
    await dialog.getByLabel(/Aligned model deployed on/).fill('2020-12-01')
    await dialog.getByRole('button', { name: 'Add generation' }).click()
    await dialog.getByText('deployed date must not be before the pretrained date').waitFor()
    expect(await dialog.getByLabel(/Aligned model deployed on/).getAttribute('aria-invalid')).toBe('true')
    await dialog.getByLabel(/Aligned model deployed on/).fill('2021-10-15')
    await dialog.getByRole('button', { name: 'Add generation' }).click()
    await dialog.waitFor({ state: 'detached' })
    await expect.poll(() => generationRow(page, 'Gen 1')).toContain('9.0 months')

    // The timeline shows the one generation.
    await page.getByRole('link', { name: 'Timeline' }).click()
    const timelineTable = page.getByRole('table', { name: 'Time to deployment by generation' })
    await expect.poll(() => timelineTable.innerText()).toContain('9.0 months')
    expect(await timelineTable.innerText()).not.toContain('faster')

    // Second generation, from the keyboard shortcut (Alt+G in the browser), chosen project preselected.
    await page.getByRole('link', { name: 'Projects' }).click()
    await page.getByRole('heading', { name: 'Assistant RLHF' }).waitFor()
    await page.keyboard.press('Alt+G')
    dialog = page.getByRole('dialog', { name: 'New generation' })
    await dialog.getByRole('textbox', { name: /Generation name/ }).fill('Gen 2')
    await dialog.getByLabel(/Pretrained model ready on/).fill('2022-02-01')
    await dialog.getByLabel(/Aligned model deployed on/).fill('2022-05-01')
    await dialog.getByRole('button', { name: 'Add generation' }).click()
    await expect.poll(() => generationRow(page, 'Gen 2')).toContain('3.0 months')
    expect(await generationRow(page, 'Gen 2')).toContain('3× faster (-66.7%)')

    // The timeline updates: the shrink with its ratio, and the forecast of the next generation.
    await page.getByRole('link', { name: 'Timeline' }).click()
    await expect.poll(() => timelineTable.innerText()).toContain('3.0 months')
    expect(await timelineTable.innerText()).toContain('3× faster (-66.7%)')
    await page.getByRole('article', { name: /Forecast for Assistant RLHF/ }).waitFor()
    await page.getByRole('img', { name: /Time to deployment by generation/ }).waitFor()

    // Editing a generation's dates updates its time to deployment.
    await timelineTable.getByRole('link', { name: 'Gen 2' }).click()
    await page.getByRole('button', { name: 'Edit generation' }).click()
    dialog = page.getByRole('dialog', { name: /Edit generation/ })
    await dialog.getByLabel(/Aligned model deployed on/).fill('2022-08-01')
    await dialog.getByRole('button', { name: 'Save generation' }).click()
    await expect.poll(() => text(page, '[data-testid="ttd"]')).toBe('6.0 months')
    expect(session.errors).toEqual([])
  })

  it('records a benchmark regression and a negative one (a gain), shown differently', async () => {
    let ids = { projectId: 0, generationId: 0 }
    session = await e2e.open({ seed: async (app) => (ids = await seedProjectWithGeneration(app)) })
    const { page } = session
    await goto(page, `#/generation/${ids.generationId}`)
    await page.getByRole('heading', { name: 'Performance tax' }).waitFor()
    await page.getByText(/No benchmark results yet/).waitFor()

    await page.getByRole('button', { name: '+ New measurement' }).click()
    let dialog = page.getByRole('dialog', { name: 'New benchmark measurement' })
    await dialog.getByRole('textbox', { name: /^Benchmark/ }).fill('mmlu')
    await dialog.getByRole('textbox', { name: /^Metric/ }).fill('acc')
    // A score that is not a number is refused as it is typed, next to the field.
    const baseline = dialog.getByRole('textbox', { name: /Baseline score/ })
    await baseline.fill('0.7x')
    await dialog.getByText('baseline score must be a number').waitFor()
    await baseline.fill('0.70')
    await dialog.getByRole('textbox', { name: /^Aligned score/ }).fill('0.65')
    await dialog.getByRole('textbox', { name: /Baseline standard error/ }).fill('0.01')
    await dialog.getByRole('textbox', { name: /Aligned standard error/ }).fill('0.01')
    // The live preview comes from the tax engine.
    await expect.poll(() => dialog.getByTestId('regression-preview').innerText()).toContain('+7.14%')
    await dialog.getByRole('button', { name: 'Record measurement' }).click()
    await dialog.waitFor({ state: 'detached' })

    const table = page.getByRole('table', { name: 'Benchmark regressions' })
    const mmlu = table.getByRole('row').filter({ hasText: 'mmlu' })
    await expect.poll(() => mmlu.innerText()).toContain('+7.14%')
    expect(await mmlu.innerText()).toContain('significant')
    expect(await mmlu.getAttribute('class')).toContain('row-tax')

    // A gain, from the keyboard shortcut: a negative tax, in its own colour.
    await page.keyboard.press('Alt+M')
    dialog = page.getByRole('dialog', { name: 'New benchmark measurement' })
    await dialog.getByRole('textbox', { name: /^Benchmark/ }).fill('truthfulqa')
    await dialog.getByRole('textbox', { name: /^Metric/ }).fill('mc2')
    await dialog.getByRole('textbox', { name: /Baseline score/ }).fill('0.40')
    await dialog.getByRole('textbox', { name: /^Aligned score/ }).fill('0.46')
    await dialog.getByRole('button', { name: 'Record measurement' }).click()
    await dialog.waitFor({ state: 'detached' })
    const truthful = table.getByRole('row').filter({ hasText: 'truthfulqa' })
    await expect.poll(() => truthful.innerText()).toContain('-15% (gain)')
    expect(await truthful.getAttribute('class')).toContain('row-gain')
    expect(await truthful.locator('.tax-figure').getAttribute('class')).toContain('good')
    expect(await mmlu.locator('.tax-figure').getAttribute('class')).toContain('bad')
    expect(await truthful.innerText()).toContain('unknown') // no standard errors: significance unknown

    // The summary counts one regression and one gain; the chart is drawn.
    await page.getByText('1 regressions · 1 gains').waitFor()
    await page.getByRole('img', { name: /Benchmark regressions of Gen 1/ }).waitFor()

    // Edit opens with the row's values; the table shows the saved change.
    await table.getByRole('button', { name: 'Edit mmlu acc' }).click()
    dialog = page.getByRole('dialog', { name: 'Edit measurement' })
    expect(await dialog.getByRole('textbox', { name: /Baseline score/ }).inputValue()).toBe('0.7')
    await dialog.getByRole('textbox', { name: /^Aligned score/ }).fill('0.63')
    await dialog.getByRole('button', { name: 'Save measurement' }).click()
    await dialog.waitFor({ state: 'detached' })
    await expect.poll(() => mmlu.innerText()).toContain('+10%')

    // Deleting a measurement can be undone.
    await table.getByRole('button', { name: 'Delete mmlu acc' }).click()
    await expect.poll(() => table.getByRole('row').filter({ hasText: 'mmlu' }).count()).toBe(0)
    await page.getByRole('button', { name: 'Undo' }).click()
    await expect.poll(() => table.getByRole('row').filter({ hasText: 'mmlu' }).count()).toBe(1)
    expect(session.errors).toEqual([])
  })

  it('adds a best-of-4-on-10% policy and sees 30%, with the explanation', async () => {
    let ids = { projectId: 0, generationId: 0 }
    session = await e2e.open({ seed: async (app) => (ids = await seedProjectWithGeneration(app)) })
    const { page } = session
    await goto(page, `#/generation/${ids.generationId}`)
    await page.getByRole('button', { name: '+ New policy' }).click()
    const dialog = page.getByRole('dialog', { name: 'New inference-compute policy' })
    await dialog.getByRole('textbox', { name: 'Policy name' }).fill('Best-of-4 on hard prompts')
    const fraction = dialog.getByRole('textbox', { name: 'Row 1: fraction of tasks' })
    const multiplier = dialog.getByRole('textbox', { name: 'Row 1: compute multiplier k' })
    // Out of range: refused with the schema's words, next to the row's field.
    await fraction.fill('1.5')
    await dialog.getByText('fraction must be between 0 and 1').waitFor()
    await fraction.fill('0.1')
    await multiplier.fill('4')
    const preview = dialog.getByTestId('policy-preview')
    await expect.poll(() => preview.innerText()).toContain('30%')
    expect(await preview.innerText()).toContain('0.9 × 1 + 0.1 × 4 = 1.3')
    expect(await preview.innerText()).toContain('Not 4 × 10% = 40%')
    await dialog.getByRole('button', { name: 'Add policy' }).click()
    await dialog.waitFor({ state: 'detached' })
    const card = page.getByRole('article', { name: 'Policy Best-of-4 on hard prompts' })
    await expect.poll(() => card.getByTestId('policy-tax').innerText()).toBe('30%')
    expect(await card.innerText()).toContain('best-of-4 on 10% of tasks')
    // The headline figure follows.
    await expect
      .poll(() => page.locator('.stat').filter({ hasText: 'Inference-compute tax' }).innerText())
      .toContain('30%')

    // Edit the policy: best-of-2 on the same 10% is a 10% tax.
    await card.getByRole('button', { name: 'Edit policy Best-of-4 on hard prompts' }).click()
    const editDialog = page.getByRole('dialog', { name: 'Edit inference-compute policy' })
    expect(await editDialog.getByRole('textbox', { name: 'Row 1: fraction of tasks' }).inputValue()).toBe('0.1')
    await editDialog.getByRole('textbox', { name: 'Row 1: compute multiplier k' }).fill('2')
    await expect.poll(() => editDialog.getByTestId('policy-preview').innerText()).toContain('10%')
    await editDialog.getByRole('button', { name: 'Save policy' }).click()
    await expect.poll(() => card.getByTestId('policy-tax').innerText()).toBe('10%')
    expect(session.errors).toEqual([])
  })

  it('compares two generations, with differences only', async () => {
    session = await e2e.open({ seed: async (app) => await seedSample(app) })
    const { page } = session
    await page.getByRole('link', { name: 'Compare' }).click()
    await page.getByRole('heading', { name: 'Choose generations to compare' }).waitFor()
    await page.getByRole('checkbox', { name: 'Gen 1 (175B)' }).check()
    await page.getByRole('checkbox', { name: 'Gen 2 (175B, refreshed)' }).check()
    const table = page.getByRole('table', { name: 'Taxes side by side' })
    const row = (key: string) => table.locator(`tr[data-row="${key}"]`)
    await expect.poll(() => row('ttd').innerText()).toContain('9.0 months')
    expect(await row('ttd').innerText()).toContain('3.0 months')
    expect(await row('ttd').innerText()).toContain('−6.0 months')
    expect(await row('inferenceTaxPct').innerText()).toMatch(/30%[\s\S]*5%[\s\S]*−25 pp/)
    expect(await row('paramsB').count()).toBe(1) // both 175B: the same

    await page.getByRole('switch', { name: 'Differences only' }).check()
    await expect.poll(() => row('paramsB').count()).toBe(0)
    expect(await row('ttd').count()).toBe(1)
    expect(await row('devTotal').count()).toBe(1)
    // Benchmarks side by side, with the change from the first.
    const benchmarks = page.getByRole('table', { name: 'Benchmarks side by side' })
    expect(await benchmarks.getByRole('row').filter({ hasText: 'hellaswag · acc' }).innerText()).toContain('+2.28%')
    // The comparison is in the address, so it can be bookmarked.
    expect(await page.evaluate(() => window.location.hash)).toMatch(/^#\/compare\/\d+,\d+$/)
    await page.getByRole('switch', { name: 'Differences only' }).uncheck()
    await expect.poll(() => row('paramsB').count()).toBe(1)
    expect(session.errors).toEqual([])
  })

  it('plans a generation: targets and money, actual against plan with a warning', async () => {
    session = await e2e.open({ seed: async (app) => await seedSample(app) })
    const { page } = session
    await page.getByRole('link', { name: 'Plan' }).click()
    const checks = page.getByRole('list', { name: 'Plan checks' })
    await checks.waitFor()
    expect(await checks.innerText()).toContain('3.0 months is within the target of 3.0 months')
    const stat = (label: string) =>
      page.locator('.stat', { has: page.locator('.stat-label', { hasText: new RegExp(`^${label}$`) }) })
    expect(await stat('Total').innerText()).toContain('$852,000')

    const target = page.getByRole('textbox', { name: 'Target time to deployment (months)' })
    await target.fill('-1')
    await page.getByText('target time to deployment (months) must not be negative').waitFor()
    await target.fill('2')
    await page.getByRole('textbox', { name: 'Cost of delay per month (USD)' }).fill('300000')
    await page.getByRole('button', { name: 'Save plan' }).click()
    const ttd = checks.getByRole('listitem').filter({ hasText: 'Time to deployment' })
    await expect.poll(() => ttd.innerText()).toContain('warning: over plan')
    expect(await ttd.innerText()).toContain('3.0 months is over the target of 2.0 months')
    // The time-to-deployment tax in money follows the new cost of delay: 3 months × $300,000.
    await expect.poll(() => stat('Time-to-deployment tax').innerText()).toContain('$900,000')
    expect(session.errors).toEqual([])
  })

  it('deletes a project and undoes it; the trash can be restored from and emptied', async () => {
    session = await e2e.open({ seed: async (app) => await seedProjectWithGeneration(app, 'Doomed project') })
    const { page } = session
    const list = page.getByRole('list', { name: 'Projects', exact: true })
    await list.getByRole('link', { name: 'Doomed project' }).waitFor()

    await page.getByRole('button', { name: 'Delete project Doomed project' }).click()
    await expect.poll(() => list.getByRole('link', { name: 'Doomed project' }).count()).toBe(0)
    await page.getByText('Moved "Doomed project" to the trash').waitFor()
    await page.getByRole('button', { name: 'Undo' }).click()
    await list.getByRole('link', { name: 'Doomed project' }).waitFor()
    // Its generations came back with it.
    await page.getByRole('link', { name: 'Doomed project' }).click()
    await expect.poll(() => generationRow(page, 'Gen 1')).toContain('6.0 months')

    // Delete again: restore from the trash list, then delete and empty the trash (after a confirmation).
    await page.getByRole('button', { name: 'Delete project Doomed project' }).click()
    const trash = page.getByRole('list', { name: 'Trash' })
    await trash.getByRole('button', { name: 'Restore project Doomed project' }).click()
    await list.getByRole('link', { name: 'Doomed project' }).waitFor()
    await page.getByRole('button', { name: 'Delete project Doomed project' }).click()
    await page.getByRole('button', { name: 'Empty trash' }).click()
    const confirm = page.getByRole('dialog', { name: 'Empty the trash?' })
    await confirm.getByRole('button', { name: 'Delete for good' }).click()
    await expect.poll(() => trash.count()).toBe(0)
    await page.getByRole('heading', { name: 'No projects yet' }).waitFor()
    expect(session.errors).toEqual([])
  })

  it('is usable from the keyboard: quick switcher, focus trapped in dialogs, Escape closes them', async () => {
    session = await e2e.open({ seed: async (app) => await seedSample(app) })
    const { page } = session
    await page
      .getByRole('link', { name: /RLHF pipeline/ })
      .first()
      .waitFor()

    // Ctrl+K: the quick switcher over projects and generations.
    await page.keyboard.press('Control+K')
    const search = page.getByRole('combobox', { name: 'Search projects and generations' })
    await search.waitFor()
    expect(await search.evaluate((el) => el === document.activeElement)).toBe(true)
    await page.keyboard.type('refreshed')
    await page.getByRole('option', { name: /Gen 2 \(175B, refreshed\)/ }).waitFor()
    await page.keyboard.press('Enter')
    await page
      .getByRole('heading', { name: /Gen 2 \(175B, refreshed\)/ })
      .first()
      .waitFor()
    expect(await page.evaluate(() => window.location.hash)).toMatch(/^#\/generation\/\d+$/)

    // Alt+N opens the new-project dialog; Tab stays inside it; Escape closes it and focus returns.
    await page.getByRole('button', { name: 'Edit generation' }).focus()
    await page.keyboard.press('Alt+N')
    const dialog = page.getByRole('dialog', { name: 'New project' })
    await dialog.waitFor()
    for (let i = 0; i < 8; i++) {
      await page.keyboard.press('Tab')
      expect(await dialog.evaluate((el) => el.contains(document.activeElement))).toBe(true)
    }
    await page.keyboard.press('Escape')
    await dialog.waitFor({ state: 'detached' })
    expect(await page.evaluate(() => document.activeElement?.textContent?.trim())).toBe('Edit generation')

    // Navigation items are named for the views.
    for (const name of ['Projects', 'Timeline', 'Compare', 'Plan']) {
      await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name, exact: true }).waitFor()
    }
    expect(session.errors).toEqual([])
  })

  it('keeps the renderer away from Node', async () => {
    session = await e2e.open()
    const { page } = session
    await page.getByRole('heading', { name: 'Projects', exact: true }).waitFor()
    const globals = await page.evaluate(() => ({
      require: typeof (globalThis as Record<string, unknown>).require,
      process: typeof (globalThis as Record<string, unknown>).process,
      module: typeof (globalThis as Record<string, unknown>).module,
      buffer: typeof (globalThis as Record<string, unknown>).Buffer,
    }))
    expect(globals).toEqual({ require: 'undefined', process: 'undefined', module: 'undefined', buffer: 'undefined' })
    expect(session.errors).toEqual([])
  })
})
