/**
 * Read models for the views, the CLI's summary and the reports, one file each: every
 * figure comes from the tax engine in src-shared/tax. Records are loaded in one query
 * per table for all the generations asked about, never one query per generation.
 */
export { headlineOf, regressionRow } from './load'
export { planChecks, projectSummary, summarizeGeneration, summarizeGenerations } from './projectSummary'
export { LARGEST_CHANGES, generationDetail, generationRecords, measurementSources } from './generationDetail'
export { measurementFigures, measurementsPage, type MeasurementsPageQuery } from './measurementsPage'
export { timeline } from './timeline'
export { fillHeadlines, headlineChanged, HeadlineAppender, withHeadline } from './maintained'
export { compare } from './compare'
