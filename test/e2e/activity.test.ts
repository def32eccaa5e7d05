/**
 * Who changed what, in Chromium (web mode): a project edited in the app appears in the project's
 * Activity panel; a save over someone else's newer change is refused with the conflict message
 * (who changed it, when, which fields), and Reload shows the stored values to edit again.
 */
import { describe, expect, it } from 'vitest'
import { goto, browserPerFile, screenshot, type Session } from './harness'
import { seedProjectWithGeneration } from './seed'
import { createProject, getProject, updateProject } from '../../src-main/services/projects'
import { projectCreate } from '../../src-shared/api/schemas'

const e2e = browserPerFile()
let session: Session

describe('activity and edit conflicts, in Chromium', () => {
  it('lists an edit in Activity, and refuses a stale save with a message and a Reload', async () => {
    let ids = { projectId: 0, generationId: 0 }
    let emptyId = 0
    session = await e2e.open({
      seed: async (app) => {
        ids = await seedProjectWithGeneration(app)
        emptyId = (await createProject(app.env, projectCreate.parse({ name: 'Zz quiet' }))).id
      },
    })
    const { page, app } = session
    const activity = page.getByRole('list', { name: 'Activity' })

    // The seeded writes are listed, local use shown as "local".
    await goto(page, `#/projects/${ids.projectId}`)
    await page.getByRole('heading', { name: 'Activity' }).waitFor()
    await activity.getByText('created generation "Gen 1"').waitFor()
    expect(await activity.getByRole('listitem').count()).toBe(2)
    expect(await activity.getByRole('listitem').first().textContent()).toContain('local')

    // Edit the project in the app: the Activity panel shows the change at the top.
    await page.getByRole('button', { name: 'Rename' }).click()
    const dialog = page.getByRole('dialog')
    await dialog.getByLabel('Description').fill('Aligning the assistant')
    await dialog.getByRole('button', { name: 'Save project' }).click()
    await dialog.waitFor({ state: 'detached' })
    await activity.getByText('changed project "Assistant alignment": description').waitFor()
    expect(await activity.getByRole('listitem').first().textContent()).toContain(
      'changed project "Assistant alignment": description',
    )

    // Open the editor; meanwhile someone else renames the project.
    await page.getByRole('button', { name: 'Rename' }).click()
    await dialog.getByLabel('Project name').fill('Assistant alignment (mine)')
    const read = await getProject(app.env, ids.projectId)
    await updateProject(
      { ...app.env, actor: 'bob' },
      { id: ids.projectId, name: 'Assistant alignment v2', expectedUpdatedAt: read.updatedAt },
    )
    await dialog.getByRole('button', { name: 'Save project' }).click()
    const alert = dialog.getByRole('alert')
    await alert.waitFor()
    const message = (await alert.textContent()) ?? ''
    expect(message).toContain('project "Assistant alignment v2" was changed by bob at')
    expect(message).toContain('differs from your version in: name')
    expect(message).toContain('nothing was saved')
    expect((await getProject(app.env, ids.projectId)).name).toBe('Assistant alignment v2')
    await screenshot(page, 'edit-conflict', { fullPage: false })

    // Reload: the editor shows the stored name; a save now goes through.
    await alert.getByRole('button', { name: 'Reload' }).click()
    await expect.poll(() => dialog.getByLabel('Project name').inputValue()).toBe('Assistant alignment v2')
    await dialog.getByLabel('Project name').fill('Assistant alignment v3')
    await dialog.getByRole('button', { name: 'Save project' }).click()
    await dialog.waitFor({ state: 'detached' })
    expect((await getProject(app.env, ids.projectId)).name).toBe('Assistant alignment v3')
    await activity.getByText('changed project "Assistant alignment v3": name').waitFor()
    await activity.getByText('changed project "Assistant alignment v2": name').waitFor()
    const items = await activity.getByRole('listitem').allTextContents()
    expect(items[0]).toContain('local')
    expect(items[1]).toContain('bob')
    await screenshot(page, 'activity', { fullPage: false })

    // A project with nothing but its creation has one entry; the empty state is for none at all.
    await goto(page, `#/projects/${emptyId}`)
    await activity.getByText('created project "Zz quiet"').waitFor()
  })
})
