// The `syscall` source's field table: Falco's fields over Vigil's Event model, one file per class.
import type { Event } from '../../schema/model.js';
import { TableBuilder } from './define.js';
import { addContainerFields } from './syscall-container.js';
import { addEvtFields } from './syscall-evt.js';
import { addFdFields } from './syscall-fd.js';
import { addFsFields } from './syscall-fs.js';
import { addProcFields } from './syscall-proc.js';
import type { FieldTable } from './types.js';

function build(): FieldTable<Event> {
  const t = new TableBuilder<Event>();
  addEvtFields(t);
  addProcFields(t);
  addFdFields(t);
  addContainerFields(t);
  addFsFields(t);
  return t.table('syscall');
}

export const syscallFields: FieldTable<Event> = build();
