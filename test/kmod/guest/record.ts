// Guest mode `record`: a capture of ordinary work on a real kernel, for the benchmarks to measure
// beside their generated event mix (bench/capture-filter.ts, bench/replay.ts --capture). vigil.ko
// is loaded, `vigil capture` records every event type while this driver runs a mix of what a node
// does all day: a C build, shell loops over coreutils, archive and checksum jobs, interpreter
// starts (perl, python3, node) and HTTP requests between local processes. Nothing here is an
// attack, though the loop over /etc reads /etc/shadow as root, which the sensitive-file rules
// report once a round. The capture goes to /out/workload.vcap.gz (test/kmod/.work/out on the host).
import { spawn, spawnSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { load, sleep, unload } from './util.js';

const VIGIL = ['/usr/bin/node', '/repo/bin/vigil.mjs'];
const FILE = '/out/workload.vcap.gz';
const W = '/tmp/work';

const C_SOURCE = `#include <stdio.h>
#include <stdlib.h>
#include <string.h>
int main(int argc, char **argv) { char *b = malloc(64); strcpy(b, argc > 1 ? argv[1] : "x"); printf("%s\\n", b); free(b); return 0; }
`;

/** One round of the workload; every command by full path so that each really execs. */
function round(i: number, port: number): void {
  const sh = (script: string) => spawnSync('/usr/bin/sh', ['-c', script], { cwd: W, stdio: 'ignore', timeout: 60_000 });
  spawnSync('/usr/bin/gcc', ['-O1', '-o', `${W}/prog`, `${W}/prog.c`], { cwd: W, stdio: 'ignore', timeout: 120_000 });
  spawnSync(`${W}/prog`, [`round-${i}`], { stdio: 'ignore' });
  sh('for f in /etc/*; do /usr/bin/head -c 64 "$f" >/dev/null 2>&1; done');
  sh('/usr/bin/find /usr/share/doc -maxdepth 2 -name "*.gz" | /usr/bin/wc -l >/dev/null');
  sh(`/usr/bin/tar czf ${W}/doc.tgz -C /usr/share/doc bash coreutils 2>/dev/null; /usr/bin/tar tzf ${W}/doc.tgz >/dev/null`);
  sh('/usr/bin/sha256sum /usr/bin/ls /usr/bin/cat /usr/bin/grep /usr/bin/tar >/dev/null');
  sh('/usr/bin/grep -rs root /etc >/dev/null; /usr/bin/ls -la /proc/self/ /usr/lib >/dev/null');
  spawnSync('/usr/bin/perl', ['-e', 'opendir(D, "/usr/share/perl5") && print scalar(readdir D); use File::Find; find(sub {}, "/usr/share/doc/bash");'], { stdio: 'ignore' });
  spawnSync('/usr/bin/python3', ['-c', 'import json, os, hashlib; print(len(json.dumps(sorted(os.listdir("/usr/lib")))), hashlib.sha1(b"x").hexdigest())'], { stdio: 'ignore', timeout: 60_000 });
  spawnSync('/usr/bin/node', ['-e', `const http=require('http');let n=0;for(let k=0;k<20;k++)http.get('http://127.0.0.1:${port}/'+k,(r)=>{r.resume();r.on('end',()=>{if(++n===20)process.exit(0)})})`], { stdio: 'ignore', timeout: 60_000 });
  sh(`/usr/bin/cp -r /usr/share/doc/coreutils ${W}/copy-${i % 3}; /usr/bin/rm -rf ${W}/copy-${(i + 1) % 3}; /usr/bin/mkdir -p ${W}/d${i}; /usr/bin/mv ${W}/d${i} ${W}/e${i}; /usr/bin/rmdir ${W}/e${i}`);
}

export async function recordWorkload(seconds: number): Promise<Record<string, unknown>> {
  mkdirSync(W, { recursive: true });
  writeFileSync(`${W}/prog.c`, C_SOURCE);
  // the server is a process of its own: this one blocks in spawnSync while the clients run
  const port = 18080;
  const server = spawn('/usr/bin/node', ['-e', `require('http').createServer((q, s) => s.end('ok ' + q.url)).listen(${port}, '127.0.0.1')`], { stdio: 'ignore' });
  // 8 MiB rings: single-threaded TCG can leave the reader without a turn for half a second
  load(['ring_kb=8192']);
  const err: string[] = [];
  const cap = spawn(VIGIL[0], [...VIGIL.slice(1), 'capture', '-w', FILE, '-o', 'webserver.enabled=false', '-o', 'log.level=info', '-o', 'stdout_output.enabled=false'],
    { cwd: '/tmp', stdio: ['ignore', 'ignore', 'pipe'], env: { PATH: '/usr/bin:/usr/sbin', HOME: '/root' } });
  cap.stderr.on('data', (d: Buffer) => { err.push(d.toString()); });
  const exited = new Promise<number | null>((r) => cap.on('exit', (c) => r(c)));
  const line = (msg: string) => err.join('').split('\n').find((l) => l.includes(`"msg":"${msg}"`));
  try {
    for (let t = 0; !line('capture started'); t += 100) {
      if (cap.exitCode !== null || t > 120_000) throw new Error(`vigil capture did not start: ${err.join('').slice(-2000)}`);
      await sleep(100);
    }
    const end = Date.now() + seconds * 1000;
    let rounds = 0;
    while (Date.now() < end) { round(rounds++, port); console.log(`record round ${rounds}`); await sleep(10); }
    cap.kill('SIGTERM');
    const code = await Promise.race([exited, sleep(60_000).then(() => 'timeout')]);
    if (code !== 0) throw new Error(`vigil capture exited ${code} on SIGTERM: ${err.join('').slice(-2000)}`);
    const written = JSON.parse(line('capture written') ?? 'null') as Record<string, unknown> | null;
    if (!written || !(Number(written.records) > 0)) throw new Error(`capture wrote nothing: ${err.join('').slice(-2000)}`);
    return { rounds, ...written };
  } finally {
    if (cap.exitCode === null) cap.kill('SIGKILL');
    server.kill('SIGKILL');
    unload(true);
  }
}
