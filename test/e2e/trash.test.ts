/**
 * The trash in Chromium (web mode): a generation deleted in the app is listed in the
 * Trash view with a deleted project, restored from there (it is back in its project),
 * then the trash is emptied after a confirmation, with a progress bar, for good.
 */
import { describe, expect, it } from 'vitest'
import { goto, browserPerFile, screenshot, type Session } from './harness'
import { seedProjectWithGeneration } from './seed'
import { createProject, deleteProject } from '../../src-main/services/projects'
import { projectCreate } from '../../src-shared/api/schemas'

const e2e = browserPerFile()
let session: Session

describe('the trash, in Chromium', () => {
  it('lists what was deleted, restores one, and empties the rest with a confirmation and progress', async () => {
    let ids = { projectId: 0, generationId: 0 }
    session = await e2e.open({
      seed: async (app) => {
        ids = await seedProjectWithGeneration(app)
        await deleteProject(app.env, (await createProject(app.env, projectCreate.parse({ name: 'Old effort' }))).id)
      },
    })
    const { page, app } = session
    const liveGenerations = () =>
      (app.env.sqlite.prepare('SELECT count(*) AS n FROM generations WHERE deleted_at IS NULL').get() as { n: number })
        .n

    // Delete the generation in the app.
    await goto(page, `#/generation/${ids.generationId}`)
    await page.getByRole('button', { name: 'Delete generation' }).click()
    await expect.poll(liveGenerations).toBe(0)
    await page.getByRole('heading', { name: 'Projects', level: 1 }).waitFor() // the app has moved on

    // The Trash view, reached from the sidebar by keyboard.
    const trashLink = page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Trash' })
    await trashLink.focus()
    await page.keyboard.press('Enter')
    await page.getByRole('heading', { name: 'Trash', level: 1 }).waitFor()
    const table = page.getByRole('table', { name: 'Trash' })
    await table.getByRole('row', { name: /generation "Gen 1"/ }).waitFor()
    await table.getByRole('row', { name: /project "Old effort"/ }).waitFor()
    expect(await table.getByRole('row').count()).toBe(3) // the header and two items
    await screenshot(page, 'trash-light', { fullPage: false })

    // Restore the generation (by keyboard): it leaves the trash and is back in its project.
    await table.getByRole('button', { name: 'Restore generation "Gen 1"' }).focus()
    await page.keyboard.press('Enter')
    await table.getByRole('row', { name: /generation "Gen 1"/ }).waitFor({ state: 'detached' })
    await expect.poll(liveGenerations).toBe(1)
    await goto(page, `#/projects/${ids.projectId}`)
    await page.getByRole('table', { name: 'Generations' }).getByText('Gen 1').waitFor()

    // Delete it again, then empty the trash: asked first, Cancel keeps everything.
    await goto(page, `#/generation/${ids.generationId}`)
    await page.getByRole('button', { name: 'Delete generation' }).click()
    await expect.poll(liveGenerations).toBe(0)
    await page.getByRole('heading', { name: 'Projects', level: 1 }).waitFor() // the app has moved on
    await goto(page, '#/trash')
    await table.getByRole('row', { name: /generation "Gen 1"/ }).waitFor()
    await page.getByRole('button', { name: 'Empty trash…' }).click()
    const confirm = page.getByRole('dialog', { name: 'Empty the trash?' })
    await confirm.getByText('2 items').waitFor()
    await confirm.getByRole('button', { name: 'Cancel' }).click()
    expect(await table.getByRole('row').count()).toBe(3)

    await page.evaluate(() => {
      const seen = ((window as unknown as { barSeen: string[] }).barSeen = [] as string[])
      new MutationObserver(() => {
        const bar = document.querySelector('[role="progressbar"]')
        if (bar) seen.push(bar.getAttribute('aria-label') ?? '')
      }).observe(document.body, { subtree: true, childList: true, attributes: true })
    })
    await page.getByRole('button', { name: 'Empty trash…' }).click()
    await confirm.getByRole('button', { name: 'Delete for good' }).click()
    await page.getByRole('heading', { name: 'The trash is empty' }).waitFor()
    await page.getByText(/Emptied the trash: \d+ items? deleted for good/).waitFor()
    const seen = await page.evaluate(() => (window as unknown as { barSeen: string[] }).barSeen)
    expect(seen).toContain('Emptying the trash')
    // Gone for good: the generation's and the project's rows, and the trash entries.
    const count = (sql: string) => (app.env.sqlite.prepare(sql).get() as { n: number }).n
    expect(count('SELECT count(*) AS n FROM generations')).toBe(0)
    expect(count('SELECT count(*) AS n FROM projects')).toBe(1)
    expect(count('SELECT count(*) AS n FROM trash')).toBe(0)
    expect(session.errors).toEqual([])
  })
})
