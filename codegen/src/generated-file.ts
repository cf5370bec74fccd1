/** One file a target writes, with its path relative to the repository root. */
export interface GeneratedFile {
  readonly path: string;
  readonly content: string;
}
