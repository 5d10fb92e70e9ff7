// Config and environment errors around the outputs are one line naming what is wrong, never a stack
// trace: an unusable spool directory (it used to escape as a raw ENOTDIR with a stack, and a spool
// below /proc hung node's recursive mkdir), a file output in a missing directory (it used to retry
// "stream destroyed" forever), a port already taken.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { main } from '../../../runtime/cli/main.js';
import { VcapWriter } from '../../../runtime/sources/vcap/writer.js';
import { story } from '../../../runtime/filter/test-records.js';

const VIGIL = fileURLToPath(new URL('../../../bin/vigil.mjs', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'vigil-errors-'));
const aFile = join(dir, 'plain-file');
writeFileSync(aFile, 'x');

async function cli(...argv: string[]) {
  const err: string[] = [];
  const code = await main(argv, { out: () => undefined, err: (l) => err.push(l) });
  return { code, err };
}

test('output config errors: one line, exit 2, before any event is read', async () => {
  const cap = join(dir, 'c.vcap');
  const w = await VcapWriter.open(cap);
  w.write(story());
  await w.close();
  const http = ['-o', 'http_output.enabled=true', '-o', 'http_output.url=http://127.0.0.1:9/', '-o', 'http_output.spool=true', '-o', 'stdout_output.enabled=false'];
  const cases: Array<[string[], string]> = [
    [['-o', `outputs_queue.spool_dir=${aFile}/spool`, ...http], `outputs_queue.spool_dir (http.spool): cannot use spool directory ${aFile}/spool/http: ENOTDIR`],
    [['-o', 'outputs_queue.spool_dir=/proc/no-such/spool', ...http], 'outputs_queue.spool_dir (http.spool): cannot use spool directory /proc/no-such/spool/http: ENOENT'],
    [['-o', 'file_output.enabled=true', '-o', `file_output.filename=${join(dir, 'no', 'dir', 'alerts.log')}`], `config: file_output.filename: directory ${join(dir, 'no', 'dir')} does not exist`],
    [['-o', 'file_output.enabled=true', '-o', `file_output.filename=${aFile}/alerts.log`], `config: file_output.filename: directory ${aFile} does not exist`],
  ];
  for (const [args, msg] of cases) {
    const r = await cli('replay', cap, ...args);
    assert.deepEqual([r.code, r.err], [2, [msg]], args.join(' '));
  }
});

test('through the launcher: no stack trace for an unusable spool or a port in use', async () => {
  const cap = join(dir, 'd.vcap');
  const w = await VcapWriter.open(cap);
  w.write(story());
  await w.close();
  const p = spawnSync(process.execPath, [VIGIL, 'replay', cap, '-o', `outputs_queue.spool_dir=${aFile}`, '-o', 'http_output.enabled=true',
    '-o', 'http_output.url=http://127.0.0.1:9/', '-o', 'http_output.spool=true'], { encoding: 'utf8' });
  assert.equal(p.status, 2);
  assert.equal(p.stderr, `outputs_queue.spool_dir (http.spool): cannot use spool directory ${aFile}/http: ENOTDIR\n`);

  const busy = createServer();
  await new Promise<void>((r) => busy.listen(0, '127.0.0.1', r));
  const port = (busy.address() as AddressInfo).port;
  const q = spawnSync(process.execPath, [VIGIL, 'replay', cap, '-o', 'stdout_output.enabled=false', '-o', 'webserver.enabled=true',
    '-o', 'webserver.listen_address=127.0.0.1', '-o', `webserver.listen_port=${port}`], { encoding: 'utf8' });
  busy.close();
  assert.equal(q.status, 1);
  assert.equal(q.stderr, `vigil replay: listen EADDRINUSE: address already in use 127.0.0.1:${port}\n`);
  rmSync(dir, { recursive: true, force: true });
});
