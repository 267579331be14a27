import { readGraph, writeGraph, type GraphNode, type OnnxGraph } from './onnx-graph.js';

/**
 * A BERT-style encoder graph rewritten for what paperscout runs it on: one text at a time, unpadded
 * (batch 1, so that no vector depends on a batch-mate). Two things only a padded batch needs cost
 * time there:
 * - each layer adds the attention mask to its scores, and for an unpadded text the mask is all zeros:
 *   those adds go (about 8% of a 256-token run);
 * - the heads are split in four dimensions, [batch, tokens, heads, size], which onnxruntime transposes
 *   by copying; split in three, [tokens, heads, size], its matmuls read them in place (about 5%).
 * Every sum is the one the original graph makes, so the vectors are equal bit for bit
 * (tests/integration/single-text-graph.test.ts). The result must never see a batch of more than one
 * text: its head split folds the batch into the tokens.
 */

/** The head splits of a 4-dimensional attention block, and the same splits in three dimensions. */
const RANK_3_PERMUTATIONS = new Map([
  // [batch, tokens, heads, size] → [batch, heads, tokens, size], for queries, values and the merge back
  ['0,2,1,3', [1, 0, 2]],
  // → [batch, heads, size, tokens], for keys
  ['0,2,3,1', [1, 2, 0]],
]);
const QUERY_SPLIT = '0,2,1,3';
const KEY_SPLIT = '0,2,3,1';
const MASK_INPUT = 'attention_mask';

/** The rewritten model, or undefined when its attention does not have the shape this expects. */
export function singleTextGraph(model: Uint8Array): Uint8Array | undefined {
  const graph = readGraph(model);
  return rewrite(graph) ? writeGraph(graph) : undefined;
}

function rewrite(graph: OnnxGraph): boolean {
  const producer = new Map<string, GraphNode>();
  const consumers = new Map<string, GraphNode[]>();
  // What the mask alone computes, as against what the text (input ids, token types) flows into.
  const masked = new Set([MASK_INPUT]);
  const textual = new Set(graph.inputs.filter((input) => input !== MASK_INPUT));
  for (const node of graph.nodes) {
    for (const output of node.outputs) producer.set(output, node);
    for (const input of node.inputs) consumers.set(input, [...(consumers.get(input) ?? []), node]);
    if (node.inputs.some((input) => textual.has(input))) node.outputs.forEach((output) => textual.add(output));
    else if (node.inputs.some((input) => masked.has(input))) node.outputs.forEach((output) => masked.add(output));
  }
  const permutation = (node: GraphNode | undefined) => (node?.opType === 'Transpose' ? String(node.ints.get('perm')) : undefined);
  const onlyConsumer = (tensor: string) => (consumers.get(tensor)?.length === 1 ? consumers.get(tensor)![0] : undefined);

  const softmaxes = graph.nodes.filter((node) => node.opType === 'Softmax');
  if (!softmaxes.length) return false;
  const splits: GraphNode[] = [];
  const merges: GraphNode[] = [];
  for (const softmax of softmaxes) {
    const axis = softmax.ints.get('axis');
    const add = producer.get(softmax.inputs[0]!);
    const unmasked = add?.inputs.filter((input) => !masked.has(input)) ?? [];
    if ((axis !== 3 && axis !== -1) || add?.opType !== 'Add' || add.inputs.length !== 2 || unmasked.length !== 1) return false;
    softmax.inputs[0] = unmasked[0]!;
    softmax.setInts.set('axis', -1);

    let scores = producer.get(unmasked[0]!);
    while (scores && (scores.opType === 'Div' || scores.opType === 'Mul')) scores = producer.get(scores.inputs[0]!);
    const weighted = onlyConsumer(softmax.outputs[0]!);
    if (scores?.opType !== 'MatMul' || weighted?.opType !== 'MatMul' || weighted.inputs[0] !== softmax.outputs[0]) return false;
    const query = producer.get(scores.inputs[0]!);
    const key = producer.get(scores.inputs[1]!);
    const value = producer.get(weighted.inputs[1]!);
    const merge = onlyConsumer(weighted.outputs[0]!);
    if (permutation(query) !== QUERY_SPLIT || permutation(key) !== KEY_SPLIT || permutation(value) !== QUERY_SPLIT || permutation(merge) !== QUERY_SPLIT) return false;
    for (const transpose of [query!, key!, value!, merge!]) transpose.setInts.set('perm', RANK_3_PERMUTATIONS.get(permutation(transpose)!)!);
    // Its shape is read off the merge itself, so Shape nodes read it too.
    const merged = consumers.get(merge!.outputs[0]!)?.find((node) => node.opType === 'Reshape');
    if (!merged) return false;
    splits.push(query!, key!, value!);
    merges.push(merged);
  }
  // Shapes that were read off the four-dimensional tensors become constants of three: the heads'
  // split [-1, heads, size] and the merge [1, -1, heads × size], from the constants they held.
  const constantOf = (tensor: string | undefined) => (tensor === undefined ? undefined : producer.get(tensor)?.constant);
  const reshapeTo = (reshape: GraphNode | undefined, shape: (held: number[]) => number[] | undefined) => {
    const concat = producer.get(reshape?.inputs[1] ?? '');
    const held = concat?.opType === 'Concat' ? concat.inputs.map((input) => constantOf(input)?.[0] ?? NaN) : [];
    const target = shape(held);
    if (reshape?.opType !== 'Reshape' || !target || target.some((n) => !Number.isInteger(n))) return false;
    const name = `single_text/shape_${target.join('_')}`;
    graph.addedInitializers.set(name, target.map(BigInt));
    reshape.inputs[1] = name;
    return true;
  };
  for (const split of splits) if (!reshapeTo(producer.get(split.inputs[0]!), (held) => (held.length === 4 ? [-1, held[2]!, held[3]!] : undefined))) return false;
  for (const merged of merges) if (!reshapeTo(merged, (held) => (held.length === 3 ? [1, -1, held[2]!] : undefined))) return false;
  removeUnused(graph);
  return true;
}

/** Drops the nodes whose outputs nothing reads any more (the masks' adds and what computed the mask). */
function removeUnused(graph: OnnxGraph): void {
  for (;;) {
    const read = new Set([...graph.outputs, ...graph.nodes.flatMap((node) => node.inputs)]);
    const kept = graph.nodes.filter((node) => node.outputs.some((output) => read.has(output)));
    if (kept.length === graph.nodes.length) return;
    graph.nodes = kept;
  }
}
