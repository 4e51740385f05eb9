/** Why a backup cannot be made or restored, in words for the person; the workspace is unchanged. */
export class BackupProblem extends Error {
  override name = 'BackupProblem';
}
