/** A payload that lacks what its topic needs. Permanent: the processor dead-letters it with this message. */
export class MappingError extends Error {
  readonly code = 'mapping_failed';
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'MappingError';
  }
}
