/** The subject log: the one way versions of a subject enter the log (./append.ts). */
export { SYSTEM_ACTOR, systemActor } from './actor.ts';
export {
  type AppendedVersion,
  appendVersions,
  type VersionBody,
  type VersionDraft,
} from './append.ts';
export { canonicalAt, canonicalAtIssue } from './at.ts';
export { SubjectLogError, type SubjectLogErrorCode } from './errors.ts';
export {
  type LatestVersion,
  latestVersions,
  lockSubjects,
  type StoredVersion,
} from './versions.ts';
