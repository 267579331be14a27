import protobuf from 'protobufjs/minimal.js';
import { describe, expect, it } from 'vitest';
import { readGraph, writeGraph, type GraphNode } from '../../src/embedding/onnx-graph.js';
import { singleTextGraph } from '../../src/embedding/single-text-graph.js';

const { Writer } = protobuf;
type Attributes = Record<string, number | number[] | { int64s: number[] }>;

/** A NodeProto, encoded as an exporter writes it (field numbers of onnx.proto). */
function node(opType: string, inputs: string[], outputs: string[], attributes: Attributes = {}): Uint8Array {
  const w = Writer.create();
  for (const input of inputs) w.uint32(10).string(input);
  for (const output of outputs) w.uint32(18).string(output);
  w.uint32(26).string(`/${opType}/${outputs[0]}`).uint32(34).string(opType);
  for (const [name, value] of Object.entries(attributes)) {
    const a = Writer.create().uint32(10).string(name);
    if (typeof value === 'number') a.uint32(24).int64(value).uint32(160).uint32(2);
    else if (Array.isArray(value)) {
      for (const int of value) a.uint32(64).int64(int);
      a.uint32(160).uint32(7);
    } else {
      // A Constant's value: an int64 tensor, its data packed.
      const packed = Writer.create();
      for (const int of value.int64s) packed.int64(int);
      const tensor = Writer.create().uint32(8).int64(value.int64s.length).uint32(16).int32(7).uint32(58).bytes(packed.finish()).finish();
      a.uint32(42).bytes(tensor).uint32(160).uint32(4);
    }
    w.uint32(42).bytes(a.finish());
  }
  return w.finish();
}

const valueInfo = (name: string) => Writer.create().uint32(10).string(name).finish();

function model(nodes: Uint8Array[]): Uint8Array {
  const graph = Writer.create();
  for (const n of nodes) graph.uint32(10).bytes(n);
  graph.uint32(18).string('encoder');
  for (const input of ['input_ids', 'attention_mask']) graph.uint32(90).bytes(valueInfo(input));
  graph.uint32(98).bytes(valueInfo('output'));
  return Writer.create().uint32(8).int64(8).uint32(58).bytes(graph.finish()).finish();
}

/** One BERT attention block as the exporter lays it out: heads split in four dimensions, the mask added to the scores. */
function attentionBlock({ maskAdd = true } = {}): Uint8Array[] {
  const split = (tensor: string, out: string, perm: number[]) => [
    node('Concat', ['batch', 'tokens', 'heads', 'size'], [`${out}_shape`], { axis: 0 }),
    node('Reshape', [tensor, `${out}_shape`], [`${out}_heads`]),
    node('Transpose', [`${out}_heads`], [out], { perm }),
  ];
  return [
    node('Identity', ['input_ids'], ['hidden']),
    node('Shape', ['hidden'], ['hidden_shape']),
    node('Gather', ['hidden_shape', 'zero'], ['batch']),
    node('Gather', ['hidden_shape', 'one'], ['tokens']),
    node('Constant', [], ['heads'], { value: { int64s: [12] } }),
    node('Constant', [], ['size'], { value: { int64s: [32] } }),
    node('Constant', [], ['width'], { value: { int64s: [384] } }),
    node('Unsqueeze', ['attention_mask'], ['mask_4d']),
    node('Cast', ['mask_4d'], ['mask_float'], { to: 1 }),
    node('Sub', ['one_float', 'mask_float'], ['inverted']),
    node('Mul', ['inverted', 'lowest'], ['mask']),
    ...split('hidden', 'query', [0, 2, 1, 3]),
    ...split('hidden', 'key', [0, 2, 3, 1]),
    ...split('hidden', 'value', [0, 2, 1, 3]),
    node('MatMul', ['query', 'key'], ['products']),
    node('Div', ['products', 'root_size'], ['scores']),
    ...(maskAdd ? [node('Add', ['scores', 'mask'], ['masked_scores'])] : []),
    node('Softmax', [maskAdd ? 'masked_scores' : 'scores'], ['weights'], { axis: 3 }),
    node('MatMul', ['weights', 'value'], ['context_heads']),
    node('Transpose', ['context_heads'], ['context'], { perm: [0, 2, 1, 3] }),
    node('Shape', ['context'], ['context_shape']),
    node('Concat', ['batch', 'tokens', 'width'], ['merge_shape'], { axis: 0 }),
    node('Reshape', ['context', 'merge_shape'], ['output']),
  ];
}

const byOutput = (nodes: readonly GraphNode[], output: string) => nodes.find((n) => n.outputs.includes(output))!;

describe('singleTextGraph', () => {
  it('reads and writes a graph it does not change byte for byte', () => {
    const bytes = model(attentionBlock());
    expect(Buffer.from(writeGraph(readGraph(bytes)))).toEqual(Buffer.from(bytes));
  });

  it('drops the attention mask and splits the heads in three dimensions', () => {
    const { nodes } = readGraph(singleTextGraph(model(attentionBlock()))!);
    expect(byOutput(nodes, 'weights').inputs).toEqual(['scores']);
    expect(byOutput(nodes, 'weights').ints.get('axis')).toBe(-1);
    // What computed the mask is gone with its add: nothing reads the mask input any more.
    expect(nodes.some((n) => n.opType === 'Add' || n.inputs.includes('attention_mask'))).toBe(false);
    expect(['query', 'key', 'value', 'context'].map((t) => byOutput(nodes, t).ints.get('perm'))).toEqual([
      [1, 0, 2],
      [1, 2, 0],
      [1, 0, 2],
      [1, 0, 2],
    ]);
    // Shapes read off four dimensions become constants of three, so their computations go too.
    expect(['query_heads', 'key_heads', 'value_heads'].map((t) => byOutput(nodes, t).inputs[1])).toEqual(Array(3).fill('single_text/shape_-1_12_32'));
    expect(byOutput(nodes, 'output').inputs[1]).toBe('single_text/shape_1_-1_384');
    expect(nodes.some((n) => n.opType === 'Shape' || n.opType === 'Concat')).toBe(false);
  });

  it('leaves a graph alone whose attention has no mask to drop, or that has no attention', () => {
    expect(singleTextGraph(model(attentionBlock({ maskAdd: false })))).toBeUndefined();
    expect(singleTextGraph(model([node('Identity', ['input_ids'], ['output'])]))).toBeUndefined();
  });

  it('refuses bytes that hold no model graph', () => {
    expect(() => singleTextGraph(new TextEncoder().encode('not a model'))).toThrow();
  });
});
