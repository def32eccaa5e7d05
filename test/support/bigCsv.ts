/** A measurements-layout CSV of `rows` rows: large enough that its import takes a while. */
export function bigCsv(rows: number): Buffer {
  const lines = ['benchmark,metric,baseline,aligned']
  for (let i = 0; i < rows; i++) lines.push(`task_${i},acc,${(i % 997) / 1000},${(i % 991) / 1000}`)
  return Buffer.from(lines.join('\n') + '\n')
}
