/** The one error a scap reader throws for bad input: it names the byte offset of the block at fault. */
export class ScapError extends Error {
  constructor(readonly offset: number, readonly reason: string) {
    super(`scap: bad block at offset ${offset}: ${reason}`);
    this.name = 'ScapError';
  }
}
