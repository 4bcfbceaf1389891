import { DomainError } from '../../common/domain-error.js';

export const importBusy = () =>
  new DomainError('too_many', 'IMPORT_BUSY', 'Another member file is being read on this server; try again in a minute', 'file');

/**
 * One member file is read at a time per process: a workbook in exceljs costs up to ~half a gigabyte
 * (see MAX_UNCOMPRESSED_BYTES), and two at once must not double that. A second import is refused
 * (429 IMPORT_BUSY) rather than queued, so nothing waits in memory; with several instances each has
 * its own slot.
 */
class ImportSlot {
  private busy = false;

  /** The release function, or undefined while the slot is taken. */
  take(): (() => void) | undefined {
    if (this.busy) return undefined;
    this.busy = true;
    let released = false;
    return () => {
      if (released) return;
      released = true;
      this.busy = false;
    };
  }

  async run<T>(work: () => Promise<T>): Promise<T> {
    const release = this.take();
    if (!release) throw importBusy();
    try {
      return await work();
    } finally {
      release();
    }
  }
}

export const importSlot = new ImportSlot();
