import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { alertRules, checkQueries, dashboardQueries, scrapedMetrics } from './testing.js';

const docs = join(dirname(fileURLToPath(import.meta.url)), '../../../docs/operations');

// A scrape as prom-client writes one (the nodes' own metrics tests check against real ones).
const scrape = `# HELP x_peers Peers
# TYPE x_peers gauge
x_peers{state="healthy"} 2
x_peers{state="unhealthy"} 0

x_request_seconds_bucket{le="0.5",route="/a",status_class="2xx"} 3
x_request_seconds_bucket{le="+Inf",route="/a",status_class="2xx"} 3
x_disk_free_bytes 1e+9
`;

describe('checkQueries', () => {
  const scraped = scrapedMetrics(scrape);
  const check = (expr: string) => checkQueries([{ where: 'q', expr }], scraped, { prefix: 'x_' });

  it('passes queries that name what the scrape has', () => {
    assert.deepEqual(
      check('sum by (instance) (x_peers{state="unhealthy"}) / sum(x_peers) > 0.3'),
      [],
    );
    assert.deepEqual(
      check(
        'histogram_quantile(0.99, sum by (route, le) (rate(x_request_seconds_bucket{route!="/b"}[5m])))',
      ),
      ['q: x_request_seconds_bucket{route} is never "/b" (seen: /a)'],
    );
    assert.deepEqual(check('x_disk_free_bytes < 2 * 1024 * 1024 * 1024'), []);
  });

  it('finds a renamed metric, label or value, a grouping label and a syntax error', () => {
    assert.deepEqual(check('x_peer{state="healthy"}'), ['q: x_peer is not in a real scrape']);
    assert.deepEqual(check('x_peers{status="healthy"}'), ['q: x_peers has no label status']);
    assert.deepEqual(check('x_peers{state="unhealty"}'), [
      'q: x_peers{state} is never "unhealty" (seen: healthy, unhealthy)',
    ]);
    assert.deepEqual(check('sum by (chain) (x_peers)'), [
      'q: no metric of it carries the label chain',
    ]);
    assert.deepEqual(check('rate(x_peers[5m'), ['q: not PromQL at offset 15: rate(x_peers[5m']);
    assert.deepEqual(check('sumx(x_peers)').length, 1);
    // Values a scrape has not seen yet may be declared possible.
    assert.deepEqual(
      checkQueries(
        [{ where: 'q', expr: 'x_request_seconds_bucket{status_class="5xx"}' }],
        scraped,
        {
          prefix: 'x_',
          possibleValues: { status_class: ['5xx'] },
        },
      ),
      [],
    );
  });
});

describe('alertRules and dashboardQueries', () => {
  it('read the shipped files with nothing missing', async () => {
    const rules = alertRules(await readFile(join(docs, 'alerts.yml'), 'utf8'));
    assert.deepEqual(rules.problems, []);
    assert.ok(rules.queries.length >= 10);
    const dashboard = dashboardQueries(
      await readFile(join(docs, 'grafana-dashboard.json'), 'utf8'),
    );
    assert.deepEqual(dashboard.problems, []);
    assert.ok(dashboard.queries.every(({ expr }) => !expr.includes('$')));
  });

  it('find a rule without severity and a dashboard panel out of place', () => {
    const rules = alertRules(
      'groups:\n  - name: g\n    rules:\n      - alert: A\n        expr: up == 0\n        for: soon\n        annotations: {summary: s}\n',
    );
    assert.deepEqual(rules.problems, [
      'A: severity is neither warning nor critical',
      'A: for is not a duration',
    ]);
    const panel = (id: number, x: number, refId?: string) => ({
      id,
      type: 'timeseries',
      title: `p${id}`,
      gridPos: { h: 8, w: 12, x, y: 0 },
      datasource: { uid: '${datasource}' },
      targets: [{ ...(refId ? { refId } : {}), expr: 'x_peers{instance=~"$node"}' }],
    });
    const dashboard = dashboardQueries(
      JSON.stringify({
        title: 't',
        uid: 'u',
        schemaVersion: 39,
        templating: { list: [{ name: 'datasource' }] },
        panels: [panel(1, 0, 'A'), panel(1, 6)],
      }),
    );
    assert.deepEqual(dashboard.problems, [
      'p1: variable $node is not defined',
      'p1 has no unique id',
      'p1 overlaps p1',
      'p1: a query has no unique refId',
    ]);
  });
});
