// For the nodes' metrics tests: the alert rules and the dashboard in docs/operations/ held to a
// real scrape. Each expression is parsed by Prometheus's own PromQL grammar (the one its web UI
// uses), and every metric, label and label value it names must be in the scrape.
import { readFile } from 'node:fs/promises';
import { parser } from '@prometheus-io/lezer-promql';
import { parse as parseYaml } from 'yaml';

/** docs/operations/, where the shipped alert rules and dashboard are. */
const OPERATIONS_DOCS = new URL('../../../docs/operations/', import.meta.url);

/** What a scrape exposes: each metric name, its label names and the values seen of each. */
export type ScrapedMetrics = Map<string, Map<string, Set<string>>>;

/** Reads Prometheus text-format scrapes into metric names, label names and values. */
export function scrapedMetrics(...texts: string[]): ScrapedMetrics {
  const metrics: ScrapedMetrics = new Map();
  for (const text of texts)
    for (const line of text.split('\n')) {
      const match = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{(.*)\})? \S+$/.exec(line);
      if (!match) continue;
      let labels = metrics.get(match[1]!);
      if (!labels) metrics.set(match[1]!, (labels = new Map<string, Set<string>>()));
      for (const [, name, value] of (match[3] ?? '').matchAll(
        /([a-zA-Z_]\w*)="((?:[^"\\]|\\.)*)"/g,
      )) {
        let values = labels.get(name!);
        if (!values) labels.set(name!, (values = new Set()));
        values.add(value!);
      }
    }
  return metrics;
}

type Matcher = { label: string; op: string; value: string };
type Selector = { name: string; matchers: Matcher[] };

/** A PromQL expression's syntax errors (by offset), the series it selects and the labels it groups by. */
export function readPromql(expr: string): {
  errors: number[];
  selectors: Selector[];
  grouping: string[];
} {
  const errors: number[] = [];
  const selectors: Selector[] = [];
  const grouping: string[] = [];
  const text = (from: number, to: number) => expr.slice(from, to);
  parser.parse(expr).iterate({
    enter(node) {
      if (node.type.isError) errors.push(node.from);
      if (node.name === 'GroupingLabels') {
        for (let c = node.node.firstChild; c; c = c.nextSibling)
          if (c.name === 'LabelName') grouping.push(text(c.from, c.to));
      }
      if (node.name !== 'VectorSelector') return;
      const selector: Selector = { name: '', matchers: [] };
      for (let c = node.node.firstChild; c; c = c.nextSibling) {
        if (c.name === 'Identifier') selector.name = text(c.from, c.to);
        if (c.name !== 'LabelMatchers') continue;
        for (let m = c.firstChild; m; m = m.nextSibling) {
          if (m.name !== 'UnquotedLabelMatcher') continue;
          const label = m.getChild('LabelName');
          const op = m.getChild('MatchOp');
          const value = m.getChild('StringLiteral');
          if (!label || !op || !value) continue;
          selector.matchers.push({
            label: text(label.from, label.to),
            op: text(op.from, op.to),
            value: JSON.parse(
              text(value.from, value.to).replace(/^'(.*)'$/s, (_, v: string) => JSON.stringify(v)),
            ) as string,
          });
        }
      }
      selectors.push(selector);
    },
  });
  return { errors, selectors, grouping };
}

/** Labels Prometheus adds to every series it scrapes (the target's), never in the text itself. */
const TARGET_LABELS = new Set(['instance', 'job']);

export type CheckQueriesOptions = {
  /** Only metric names with this prefix are checked (others, like `up`, are Prometheus's). */
  prefix: string;
  /** Label values a query may name before a scrape has seen them (`status_class`: `5xx`). */
  possibleValues?: Record<string, readonly string[]>;
};

/**
 * Every problem with `queries` against a real scrape (those naming a metric with `prefix`; a
 * syntax error in any): a metric not exposed, a
 * label it does not carry, an `=` or `!=` value it never has, a `by (...)` label none of the
 * query's metrics carries. Empty when all hold.
 */
export function checkQueries(
  queries: readonly { where: string; expr: string }[],
  scraped: ScrapedMetrics,
  { prefix, possibleValues = {} }: CheckQueriesOptions,
): string[] {
  const problems: string[] = [];
  for (const { where, expr } of queries) {
    const { errors, selectors, grouping } = readPromql(expr);
    if (errors.length > 0) {
      problems.push(`${where}: not PromQL at offset ${errors[0]}: ${expr}`);
      continue;
    }
    // Another node's query (or only Prometheus's own `up`): its scrape checks it.
    if (!selectors.some(({ name }) => name.startsWith(prefix))) continue;
    const carried = new Set(TARGET_LABELS);
    for (const { name, matchers } of selectors) {
      const labels = scraped.get(name);
      if (!labels) {
        if (name.startsWith(prefix)) problems.push(`${where}: ${name} is not in a real scrape`);
        continue;
      }
      for (const label of labels.keys()) carried.add(label);
      for (const { label, op, value } of matchers) {
        if (TARGET_LABELS.has(label)) continue;
        const values = labels.get(label);
        if (!values) {
          problems.push(`${where}: ${name} has no label ${label}`);
          continue;
        }
        if (
          (op === '=' || op === '!=') &&
          !values.has(value) &&
          !possibleValues[label]?.includes(value)
        )
          problems.push(
            `${where}: ${name}{${label}} is never "${value}" (seen: ${[...values].join(', ')})`,
          );
      }
    }
    for (const label of grouping)
      if (!carried.has(label))
        problems.push(`${where}: no metric of it carries the label ${label}`);
  }
  return problems;
}

/** The expressions of a Prometheus rules file, each named by its alert, and what is missing in its rules. */
export function alertRules(yamlText: string): {
  queries: { where: string; expr: string }[];
  problems: string[];
} {
  const file = parseYaml(yamlText) as {
    groups?: { name?: string; rules?: Record<string, unknown>[] }[];
  };
  const queries: { where: string; expr: string }[] = [];
  const problems: string[] = [];
  if (!Array.isArray(file?.groups) || file.groups.length === 0) problems.push('no groups');
  const names = new Set<string>();
  for (const group of file?.groups ?? [])
    for (const rule of group.rules ?? []) {
      const name = typeof rule.alert === 'string' ? rule.alert : undefined;
      if (!name) {
        problems.push(`a rule of ${group.name} has no alert name`);
        continue;
      }
      if (names.has(name)) problems.push(`${name} is there twice`);
      names.add(name);
      if (typeof rule.expr !== 'string') problems.push(`${name} has no expr`);
      else queries.push({ where: name, expr: rule.expr });
      const labels = rule.labels as { severity?: unknown } | undefined;
      if (labels?.severity !== 'warning' && labels?.severity !== 'critical')
        problems.push(`${name}: severity is neither warning nor critical`);
      const annotations = rule.annotations as { summary?: unknown } | undefined;
      if (typeof annotations?.summary !== 'string') problems.push(`${name} has no summary`);
      if (rule.for !== undefined && !(typeof rule.for === 'string' && /^\d+[smhd]$/.test(rule.for)))
        problems.push(`${name}: for is not a duration`);
    }
  return { queries, problems };
}

type Panel = {
  id?: unknown;
  type?: unknown;
  title?: unknown;
  gridPos?: { h?: unknown; w?: unknown; x?: unknown; y?: unknown };
  datasource?: { uid?: unknown };
  targets?: { refId?: unknown; expr?: unknown }[];
};

/**
 * A Grafana dashboard's queries, with its variables put in (`$instance` as `.*`, Grafana's
 * `$__rate_interval` as `5m`), and what is wrong with it as a dashboard: panels without a unique
 * id, a type or a place on the 24-column grid, overlapping panels, queries without a refId, a
 * variable that is not defined.
 */
export function dashboardQueries(jsonText: string): {
  queries: { where: string; expr: string }[];
  problems: string[];
} {
  const dashboard = JSON.parse(jsonText) as {
    title?: unknown;
    uid?: unknown;
    schemaVersion?: unknown;
    panels?: Panel[];
    templating?: { list?: { name?: unknown }[] };
  };
  const problems: string[] = [];
  const queries: { where: string; expr: string }[] = [];
  if (typeof dashboard.title !== 'string') problems.push('no title');
  if (typeof dashboard.uid !== 'string' || !/^[a-zA-Z0-9_-]{1,40}$/.test(dashboard.uid))
    problems.push('no uid of at most 40 letters, digits, - and _');
  if (typeof dashboard.schemaVersion !== 'number') problems.push('no schemaVersion');
  const variables = new Set(
    (dashboard.templating?.list ?? []).map((v) => v.name).filter((n) => typeof n === 'string'),
  );
  const useOf = (text: string) =>
    [...text.matchAll(/\$\{?(\w+)\}?/g)].map((m) => m[1]!).filter((v) => !v.startsWith('__'));
  const ids = new Set<unknown>();
  const cells = new Map<string, string>();
  const panels = dashboard.panels ?? [];
  if (panels.length === 0) problems.push('no panels');
  for (const [i, panel] of panels.entries()) {
    const where = typeof panel.title === 'string' ? panel.title : `panel ${i}`;
    if (typeof panel.title !== 'string') problems.push(`${where} has no title`);
    if (typeof panel.type !== 'string') problems.push(`${where} has no type`);
    if (!Number.isInteger(panel.id) || ids.has(panel.id))
      problems.push(`${where} has no unique id`);
    ids.add(panel.id);
    const { h, w, x, y } = panel.gridPos ?? {};
    if (![h, w, x, y].every((n) => Number.isInteger(n) && (n as number) >= 0)) {
      problems.push(`${where} has no gridPos`);
    } else if ((x as number) + (w as number) > 24) {
      problems.push(`${where} is wider than the 24-column grid`);
    } else {
      for (let row = y as number; row < (y as number) + (h as number); row++)
        for (let col = x as number; col < (x as number) + (w as number); col++) {
          const other = cells.get(`${row},${col}`);
          if (other) problems.push(`${where} overlaps ${other}`);
          cells.set(`${row},${col}`, where);
        }
    }
    for (const v of useOf(JSON.stringify(panel.datasource ?? {})))
      if (!variables.has(v)) problems.push(`${where}: datasource variable $${v} is not defined`);
    const refIds = new Set<unknown>();
    for (const target of panel.targets ?? []) {
      if (typeof target.refId !== 'string' || refIds.has(target.refId))
        problems.push(`${where}: a query has no unique refId`);
      refIds.add(target.refId);
      if (typeof target.expr !== 'string') {
        problems.push(`${where}: a query has no expr`);
        continue;
      }
      for (const v of useOf(target.expr))
        if (!variables.has(v)) problems.push(`${where}: variable $${v} is not defined`);
      queries.push({
        where: `${where} (${String(target.refId)})`,
        expr: target.expr.replace(/\$__\w+/g, '5m').replace(/\$\{?\w+\}?/g, '.*'),
      });
    }
  }
  // One problem per pair is enough.
  return { queries, problems: [...new Set(problems)] };
}

/**
 * Every query of the shipped alert rules (docs/operations/alerts.yml) and dashboard
 * (grafana-dashboard.json), and what is wrong with either file (alertRules, dashboardQueries).
 */
export async function shippedOperationsQueries(): Promise<{
  queries: { where: string; expr: string }[];
  problems: string[];
}> {
  const [rulesText, dashboardText] = await Promise.all([
    readFile(new URL('alerts.yml', OPERATIONS_DOCS), 'utf8'),
    readFile(new URL('grafana-dashboard.json', OPERATIONS_DOCS), 'utf8'),
  ]);
  const rules = alertRules(rulesText);
  const dashboard = dashboardQueries(dashboardText);
  return {
    queries: [...rules.queries, ...dashboard.queries],
    problems: [...rules.problems, ...dashboard.problems],
  };
}
