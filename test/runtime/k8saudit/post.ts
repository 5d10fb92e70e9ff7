// A small HTTPS client for the webhook tests and the benchmark, over a keep-alive agent.
import https from 'node:https';

export interface Reply { status: number; body: string; headers: Record<string, string | string[] | undefined> }

export function post(port: number, body: string | Buffer, o: { ca: string; cert?: string; key?: string; token?: string; method?: string; path?: string; agent?: https.Agent; headers?: Record<string, string> } ): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const req = https.request({
      host: '127.0.0.1', port, path: o.path ?? '/k8s-audit', method: o.method ?? 'POST', ca: o.ca, cert: o.cert, key: o.key,
      agent: o.agent ?? false, servername: 'localhost',
      headers: { 'content-type': 'application/json', ...(o.token ? { authorization: `Bearer ${o.token}` } : {}), ...o.headers },
    }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8'), headers: res.headers }));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(body);
  });
}
