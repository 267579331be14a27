import protobuf from 'protobufjs/minimal.js';

/**
 * The nodes of an ONNX model, read and written at the protobuf wire level: every field this code
 * does not change (weights, shapes, metadata) is copied byte for byte, so an edit cannot lose
 * anything onnx.proto holds. Field numbers are those of onnx.proto.
 */

const { Reader, Writer } = protobuf;

const MODEL_GRAPH = 7;
const GRAPH_NODE = 1;
const GRAPH_INITIALIZER = 5;
const GRAPH_INPUT = 11;
const GRAPH_OUTPUT = 12;
const NODE_INPUT = 1;
const NODE_OUTPUT = 2;
const NODE_NAME = 3;
const NODE_OP_TYPE = 4;
const NODE_ATTRIBUTE = 5;
const ATTRIBUTE_NAME = 1;
const ATTRIBUTE_INT = 3;
const ATTRIBUTE_TENSOR = 5;
const ATTRIBUTE_INTS = 8;
const ATTRIBUTE_TYPE = 20;
const ATTRIBUTE_TYPE_INT = 2;
const ATTRIBUTE_TYPE_INTS = 7;
const TENSOR_DIMS = 1;
const TENSOR_DATA_TYPE = 2;
const TENSOR_INT64_DATA = 7;
const TENSOR_NAME = 8;
const TENSOR_RAW_DATA = 9;
const TENSOR_INT64 = 7;
const VALUE_INFO_NAME = 1;
const LENGTH_DELIMITED = 2;

/** One field of a message as it lies in the encoded bytes: its tag and its value. */
interface Field {
  number: number;
  raw: Uint8Array;
}

function fieldsOf(bytes: Uint8Array): Field[] {
  const reader = Reader.create(bytes);
  const fields: Field[] = [];
  while (reader.pos < reader.len) {
    const start = reader.pos;
    const tag = reader.uint32();
    reader.skipType(tag & 7);
    fields.push({ number: tag >>> 3, raw: bytes.subarray(start, reader.pos) });
  }
  return fields;
}

/** The value of a length-delimited field: a string, bytes or a message. */
function payload(field: Field): Uint8Array {
  const reader = Reader.create(field.raw);
  reader.uint32();
  return reader.bytes();
}

/** The value of a varint field (an integer, an enum). */
function varint(field: Field): number {
  const reader = Reader.create(field.raw);
  reader.uint32();
  return Number(reader.int64());
}

const text = (field: Field) => new TextDecoder().decode(payload(field));
const lengthDelimited = (number: number, value: Uint8Array) => Writer.create().uint32((number << 3) | LENGTH_DELIMITED).bytes(value).finish();
const stringField = (number: number, value: string) => Writer.create().uint32((number << 3) | LENGTH_DELIMITED).string(value).finish();

/** An integer or list-of-integers attribute, the only kinds an edit here sets. */
export type IntAttribute = number | readonly number[];

/** A node of the graph, with what a rewrite reads and may change. */
export interface GraphNode {
  readonly name: string;
  readonly opType: string;
  inputs: string[];
  readonly outputs: string[];
  /** Integer attributes by name (other kinds are kept but not read). */
  readonly ints: ReadonlyMap<string, IntAttribute>;
  /** The values of a Constant node that holds int64s. */
  readonly constant?: readonly number[];
  /** Attributes to set on writing, replacing any of the same name. */
  readonly setInts: Map<string, IntAttribute>;
  /** The node as read. */
  readonly fields: Field[];
}

export interface OnnxGraph {
  /** In the file's order, which ONNX requires to be topological. */
  nodes: GraphNode[];
  /** The graph's inputs that are not initializers: what a run feeds it. */
  readonly inputs: readonly string[];
  /** Names the graph outputs. */
  readonly outputs: readonly string[];
  /** New int64 initializers to write, by name. */
  readonly addedInitializers: Map<string, readonly bigint[]>;
  readonly model: Field[];
  readonly graph: Field[];
}

function readIntAttribute(attribute: Field[]): [string, IntAttribute] | undefined {
  const name = attribute.find((f) => f.number === ATTRIBUTE_NAME);
  if (!name) return undefined;
  const ints: number[] = [];
  let int: number | undefined;
  for (const field of attribute) {
    if (field.number === ATTRIBUTE_INTS) readInt64s(field, ints);
    if (field.number === ATTRIBUTE_INT) int = varint(field);
  }
  const type = attribute.find((f) => f.number === ATTRIBUTE_TYPE);
  const typeId = type && varint(type);
  if (typeId === ATTRIBUTE_TYPE_INTS || (typeId === undefined && ints.length)) return [text(name), ints];
  if (typeId === ATTRIBUTE_TYPE_INT || (typeId === undefined && int !== undefined)) return [text(name), int ?? 0];
  return undefined;
}

/** Repeated int64s, packed or one per field. */
function readInt64s(field: Field, into: number[]): void {
  const reader = Reader.create(field.raw);
  if ((reader.uint32() & 7) !== LENGTH_DELIMITED) into.push(Number(reader.int64()));
  else for (const packed = Reader.create(reader.bytes()); packed.pos < packed.len; ) into.push(Number(packed.int64()));
}

/** The values of an int64 TensorProto, or undefined for another type. */
function readInt64Tensor(tensor: Field[]): number[] | undefined {
  const type = tensor.find((f) => f.number === TENSOR_DATA_TYPE);
  if (!type || varint(type) !== TENSOR_INT64) return undefined;
  const values: number[] = [];
  for (const field of tensor) {
    if (field.number === TENSOR_INT64_DATA) readInt64s(field, values);
    if (field.number !== TENSOR_RAW_DATA) continue;
    const raw = Buffer.from(payload(field));
    for (let offset = 0; offset + 8 <= raw.length; offset += 8) values.push(Number(raw.readBigInt64LE(offset)));
  }
  return values;
}

function readNode(fields: Field[]): GraphNode {
  const strings = (number: number) => fields.filter((f) => f.number === number).map(text);
  const ints = new Map<string, IntAttribute>();
  let constant: number[] | undefined;
  const opType = strings(NODE_OP_TYPE)[0] ?? '';
  for (const attribute of fields.filter((f) => f.number === NODE_ATTRIBUTE)) {
    const attributeFields = fieldsOf(payload(attribute));
    const entry = readIntAttribute(attributeFields);
    if (entry) ints.set(...entry);
    const tensor = attributeFields.find((f) => f.number === ATTRIBUTE_TENSOR);
    if (opType === 'Constant' && tensor) constant = readInt64Tensor(fieldsOf(payload(tensor)));
  }
  return {
    name: strings(NODE_NAME)[0] ?? '',
    opType,
    constant,
    inputs: strings(NODE_INPUT),
    outputs: strings(NODE_OUTPUT),
    ints,
    setInts: new Map(),
    fields,
  };
}

/** Reads the nodes of an encoded ModelProto. Throws on bytes that are not one. */
export function readGraph(model: Uint8Array): OnnxGraph {
  const modelFields = fieldsOf(model);
  const graphField = modelFields.find((f) => f.number === MODEL_GRAPH);
  if (!graphField) throw new Error('the file holds no ONNX graph');
  const graph = fieldsOf(payload(graphField));
  const names = (number: number, nameField: number) =>
    graph.filter((f) => f.number === number).map((f) => text(fieldsOf(payload(f)).find((v) => v.number === nameField)!));
  const initializers = new Set(names(GRAPH_INITIALIZER, TENSOR_NAME));
  const inputs = names(GRAPH_INPUT, VALUE_INFO_NAME).filter((name) => !initializers.has(name));
  const nodes = graph.filter((f) => f.number === GRAPH_NODE).map((f) => readNode(fieldsOf(payload(f))));
  return { nodes, inputs, outputs: names(GRAPH_OUTPUT, VALUE_INFO_NAME), addedInitializers: new Map(), model: modelFields, graph };
}

function encodeAttribute(name: string, value: IntAttribute): Uint8Array {
  const writer = Writer.create().uint32((ATTRIBUTE_NAME << 3) | LENGTH_DELIMITED).string(name);
  if (typeof value === 'number') writer.uint32(ATTRIBUTE_INT << 3).int64(value).uint32(ATTRIBUTE_TYPE << 3).uint32(ATTRIBUTE_TYPE_INT);
  else {
    for (const int of value) writer.uint32(ATTRIBUTE_INTS << 3).int64(int);
    writer.uint32(ATTRIBUTE_TYPE << 3).uint32(ATTRIBUTE_TYPE_INTS);
  }
  return writer.finish();
}

function encodeNode(node: GraphNode): Uint8Array {
  const parts: Uint8Array[] = [];
  let input = 0;
  for (const field of node.fields) {
    if (field.number === NODE_INPUT) parts.push(stringField(NODE_INPUT, node.inputs[input++]!));
    else if (field.number === NODE_ATTRIBUTE && node.setInts.has(text(fieldsOf(payload(field)).find((f) => f.number === ATTRIBUTE_NAME)!))) continue;
    else parts.push(field.raw);
  }
  parts.push(...[...node.setInts].map(([name, value]) => lengthDelimited(NODE_ATTRIBUTE, encodeAttribute(name, value))));
  return Buffer.concat(parts);
}

function encodeInt64Tensor(name: string, values: readonly bigint[]): Uint8Array {
  const data = Buffer.alloc(values.length * 8);
  values.forEach((value, i) => data.writeBigInt64LE(value, i * 8));
  return Writer.create()
    .uint32(TENSOR_DIMS << 3)
    .int64(values.length)
    .uint32(TENSOR_DATA_TYPE << 3)
    .int32(TENSOR_INT64)
    .uint32((TENSOR_NAME << 3) | LENGTH_DELIMITED)
    .string(name)
    .uint32((TENSOR_RAW_DATA << 3) | LENGTH_DELIMITED)
    .bytes(data)
    .finish();
}

/** Encodes the model again with the graph's nodes as they now stand and any added initializers. */
export function writeGraph(graph: OnnxGraph): Uint8Array {
  const graphParts: Uint8Array[] = [];
  let nodesWritten = false;
  for (const field of graph.graph) {
    if (field.number !== GRAPH_NODE) graphParts.push(field.raw);
    else if (!nodesWritten) {
      // The nodes stand together in the order they now have, where the first one stood.
      graphParts.push(...graph.nodes.map((node) => lengthDelimited(GRAPH_NODE, encodeNode(node))));
      nodesWritten = true;
    }
  }
  for (const [name, values] of graph.addedInitializers) graphParts.push(lengthDelimited(GRAPH_INITIALIZER, encodeInt64Tensor(name, values)));
  const encodedGraph = Buffer.concat(graphParts);
  return Buffer.concat(graph.model.map((field) => (field.number === MODEL_GRAPH ? lengthDelimited(MODEL_GRAPH, encodedGraph) : field.raw)));
}
