/** What a deployment tells the player: where the network's discovery nodes are. */
export type WebConfig = {
  discoveryNodes: string[];
};

/** Reads /config.json, which the server that hosts the build writes beside it. */
export async function loadConfig(fetchImpl: typeof fetch = fetch): Promise<WebConfig> {
  const response = await fetchImpl('/config.json', { cache: 'no-store' });
  if (!response.ok) throw new Error(`/config.json answered ${response.status}`);
  const body = (await response.json()) as Partial<WebConfig>;
  const nodes = body.discoveryNodes;
  if (!Array.isArray(nodes) || nodes.length === 0 || nodes.some((n) => typeof n !== 'string')) {
    throw new Error('/config.json has no discoveryNodes');
  }
  return { discoveryNodes: nodes };
}
