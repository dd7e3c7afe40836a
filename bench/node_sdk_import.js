#!/usr/bin/env node
// Peer for bench/e2e.py: the official Okta Node SDK (@okta/okta-sdk-nodejs) importing the same
// CSV the same way okta-bulk does (one createUser with groupIds per row), N promises in flight.
//
//   node bench/node_sdk_import.js --csv users.csv --org-url http://127.0.0.1:PORT \
//        [--token test-token] [--concurrency 64] [--group ID ...] [--timeout-s 900]
//
// The SDK's own rate-limit behaviour is kept as shipped (DefaultRequestExecutor with its
// defaults: on a 429, sleep until x-rate-limit-reset - Date + 1 s, at most 2 retries). The only
// addition is a timer around each HTTP attempt, so the latency figures are measured on the
// client side, per attempt (a retried request counts as several attempts).
//
// Prints one JSON object on stdout: rows, outcomes, HTTP attempts by status, 429s seen,
// elapsed seconds, rows/s, attempt latency p50/p99 (ms).
'use strict';

const fs = require('fs');
const okta = require('@okta/okta-sdk-nodejs');
const { DefaultRequestExecutor } = require('@okta/okta-sdk-nodejs/src/default-request-executor');
const RequestExecutor = require('@okta/okta-sdk-nodejs/src/request-executor');

function parseArgs(argv) {
  const a = { concurrency: 64, token: process.env.OKTA_CLIENT_TOKEN || 'test-token', groups: [],
              timeoutS: 900, orgUrl: process.env.OKTA_CLIENT_ORGURL || '' };
  for (let i = 2; i < argv.length; i++) {
    const k = argv[i];
    const v = () => { if (i + 1 >= argv.length) throw new Error(`${k} needs a value`); return argv[++i]; };
    if (k === '--csv') a.csv = v();
    else if (k === '--org-url') a.orgUrl = v();
    else if (k === '--token') a.token = v();
    else if (k === '--concurrency') a.concurrency = parseInt(v(), 10);
    else if (k === '--group') a.groups.push(v());
    else if (k === '--timeout-s') a.timeoutS = parseFloat(v());
    else throw new Error(`unknown argument ${k}`);
  }
  if (!a.csv || !a.orgUrl) throw new Error('usage: node_sdk_import.js --csv FILE --org-url URL');
  const host = new URL(a.orgUrl).hostname;
  if (!(host === '127.0.0.1' || host === 'localhost' || host === '[::1]')) {
    throw new Error(`refusing non-loopback org URL ${a.orgUrl} (benchmark traffic stays local)`);
  }
  return a;
}

// RFC 4180 CSV (quotes, doubled quotes, CR/LF inside quotes).
function parseCsv(text) {
  const rows = [];
  let row = [], field = '', i = 0, inQ = false;
  while (i < text.length) {
    const c = text[i];
    if (inQ) {
      if (c === '"') {
        if (text[i + 1] === '"') { field += '"'; i += 2; continue; }
        inQ = false; i++; continue;
      }
      field += c; i++; continue;
    }
    if (c === '"') { inQ = true; i++; continue; }
    if (c === ',') { row.push(field); field = ''; i++; continue; }
    if (c === '\r' || c === '\n') {
      row.push(field); field = '';
      if (!(row.length === 1 && row[0] === '')) rows.push(row);
      row = [];
      if (c === '\r' && text[i + 1] === '\n') i++;
      i++; continue;
    }
    field += c; i++;
  }
  if (field !== '' || row.length) { row.push(field); rows.push(row); }
  return rows;
}

const KNOWN = new Set(['login', 'email', 'firstname', 'lastname', 'password', 'groupid']);

function toUser(header, rec, extraGroups) {
  const profile = {};
  let password = '', groupIds = [];
  header.forEach((h, idx) => {
    const v = rec[idx] === undefined ? '' : rec[idx];
    const k = h.toLowerCase();
    if (k === 'login') profile.login = v;
    else if (k === 'email') profile.email = v;
    else if (k === 'firstname') profile.firstName = v;
    else if (k === 'lastname') profile.lastName = v;
    else if (k === 'password') password = v;
    else if (k === 'groupid') groupIds = v.split(';').map(s => s.trim()).filter(Boolean);
    else if (!KNOWN.has(k) && v !== '') profile[h] = v;
  });
  const body = { profile };
  if (password) body.credentials = { password: { value: password } };
  const all = [...new Set([...groupIds, ...extraGroups])];
  if (all.length) body.groupIds = all;
  return body;
}

function pct(sorted, p) {
  if (!sorted.length) return null;
  const idx = Math.min(sorted.length - 1, Math.max(0, Math.ceil(p * sorted.length) - 1));
  return sorted[idx];
}

// DefaultRequestExecutor.fetch, unchanged, with a timer around the one HTTP attempt.
class TimedExecutor extends DefaultRequestExecutor {
  constructor() {
    super(); // the SDK's defaults, as `new okta.Client({...})` would construct them
    this.latMs = [];
    this.byStatus = {};
    this.backoffs = 0;
    this.on('backoff', () => { this.backoffs++; });
  }
  fetch(request) {
    if (!request.startTime) {
      request.startTime = new Date();
      request.timeout = this.requestTimeout;
    }
    const t0 = process.hrtime.bigint();
    return RequestExecutor.prototype.fetch.call(this, request).then(response => {
      this.latMs.push(Number(process.hrtime.bigint() - t0) / 1e6);
      this.byStatus[response.status] = (this.byStatus[response.status] || 0) + 1;
      return this.parseResponse(request, response);
    }, err => {
      this.byStatus.network_error = (this.byStatus.network_error || 0) + 1;
      throw err;
    });
  }
}

async function main() {
  const args = parseArgs(process.argv);
  const table = parseCsv(fs.readFileSync(args.csv, 'utf8'));
  const header = table.shift();
  const executor = new TimedExecutor();
  const client = new okta.Client({ orgUrl: args.orgUrl, token: args.token, requestExecutor: executor });

  const outcomes = {};
  const errorCodes = {};
  let next = 0, done = 0;
  const t0 = process.hrtime.bigint();
  const deadline = Date.now() + args.timeoutS * 1000;

  async function worker() {
    while (next < table.length && Date.now() < deadline) {
      const rec = table[next++];
      const body = toUser(header, rec, args.groups);
      let outcome;
      try {
        await client.userApi.createUser({ body, activate: true });
        outcome = 'created';
      } catch (e) {
        const status = e && e.status;
        const code = e && e.errorCode;
        const causes = JSON.stringify((e && e.errorCauses) || []);
        if (status === 400 && code === 'E0000001' && /already exists/i.test(causes)) outcome = 'existed';
        else if (status === 429) outcome = 'failed_429';
        else outcome = `failed_${status || 'network'}`;
        const key = `${status || 'network'}:${code || (e && e.code) || (e && e.message) || '?'}`;
        errorCodes[key] = (errorCodes[key] || 0) + 1;
      }
      outcomes[outcome] = (outcomes[outcome] || 0) + 1;
      done++;
    }
  }
  const n = Math.max(1, Math.min(args.concurrency, table.length));
  await Promise.all(Array.from({ length: n }, worker));
  const elapsed = Number(process.hrtime.bigint() - t0) / 1e9;
  const lat = executor.latMs.slice().sort((a, b) => a - b);
  const attempts = lat.length;
  const r429 = executor.byStatus[429] || 0;
  const out = {
    client: 'node-sdk',
    sdk_version: require('@okta/okta-sdk-nodejs/package.json').version,
    node_version: process.version,
    rows: table.length,
    rows_done: done,
    timed_out: done < table.length,
    concurrency: n,
    outcomes,
    error_codes: errorCodes,
    http_attempts: attempts,
    http_by_status: executor.byStatus,
    seen_429: r429,
    share_429: attempts ? r429 / attempts : 0,
    backoff_sleeps: executor.backoffs,
    elapsed_s: elapsed,
    rows_per_s: done / elapsed,
    latency_ms: { p50: pct(lat, 0.5), p99: pct(lat, 0.99), max: lat.length ? lat[lat.length - 1] : null,
                  measured: 'client side, per HTTP attempt (request sent to response headers+body)' },
  };
  process.stdout.write(JSON.stringify(out) + '\n');
}

main().catch(e => { console.error(e && e.stack || e); process.exit(2); });
