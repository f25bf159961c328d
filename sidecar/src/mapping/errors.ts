/** A payload that lacks what its topic needs. Permanent: the sync core plans it as dead with this message. */
export class MappingError extends Error {
  readonly code = 'mapping_failed';
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'MappingError';
  }
}
