/**
 * The one error the tax engine throws. It carries the path of the offending input
 * (e.g. `rows[1].fraction`) and the value itself, so a form can highlight the
 * field and a CLI or importer can report the exact row.
 */
export class TaxInputError extends Error {
  constructor(
    message: string,
    public readonly path: string,
    public readonly value: unknown,
  ) {
    super(message)
    this.name = 'TaxInputError'
  }
}
