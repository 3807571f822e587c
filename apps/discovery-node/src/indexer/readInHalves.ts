/**
 * Reads blocks `fromBlock`..`toBlock` with `read`; a range whose answer is too big for the node
 * or the client (busy blocks) is read in halves, down to single blocks.
 */
export async function readInHalves<T>(
  fromBlock: number,
  toBlock: number,
  read: (fromBlock: number, toBlock: number) => Promise<T[]>,
): Promise<T[]> {
  try {
    return await read(fromBlock, toBlock);
  } catch (error) {
    if (toBlock <= fromBlock) throw error;
    const middle = Math.floor((fromBlock + toBlock) / 2);
    const first = await readInHalves(fromBlock, middle, read);
    const second = await readInHalves(middle + 1, toBlock, read);
    return [...first, ...second];
  }
}
