/**
 * Just enough of the ONNX file format (protocol buffers: onnx.proto's ModelProto, GraphProto,
 * NodeProto, AttributeProto, TensorProto) to read a model's graph, change some of its nodes and
 * write it back (fold.ts). Every field it does not use is kept as its bytes and written back
 * unchanged. Only for the models zipin ships: this is no reader for untrusted files.
 */

/** Protocol buffers' wire types: a varint, 8 bytes, a length-delimited run, 4 bytes. */
type Wire = 0 | 1 | 2 | 5;

/** One field as stored: its number, wire type and payload (a varint's own bytes; a run's bytes without its length). */
interface Field {
  no: number;
  wire: Wire;
  data: Uint8Array;
}

function varintAt(bytes: Uint8Array, at: number): { value: number; end: number } {
  let value = 0;
  let scale = 1;
  let i = at;
  for (;;) {
    if (i >= bytes.length) throw new Error('onnx: a varint runs past the end');
    const b = bytes[i++]!;
    // Values past 2^53 (negative int64s) lose precision here; lengths, tags and the attributes read are far smaller.
    value += (b & 0x7f) * scale;
    scale *= 128;
    if (b < 0x80) return { value, end: i };
  }
}

/** The fields of one message, in order. */
function readFields(bytes: Uint8Array): Field[] {
  const fields: Field[] = [];
  let at = 0;
  while (at < bytes.length) {
    const tag = varintAt(bytes, at);
    const wire = (tag.value % 8) as Wire;
    const no = Math.floor(tag.value / 8);
    at = tag.end;
    let end: number;
    if (wire === 0) end = varintAt(bytes, at).end;
    else if (wire === 1) end = at + 8;
    else if (wire === 5) end = at + 4;
    else if (wire === 2) {
      const length = varintAt(bytes, at);
      at = length.end;
      end = at + length.value;
    } else throw new Error(`onnx: wire type ${wire as number} is not read`);
    if (end > bytes.length) throw new Error('onnx: a field runs past the end');
    fields.push({ no, wire, data: bytes.subarray(at, end) });
    at = end;
  }
  return fields;
}

function varintBytes(value: number): number[] {
  const out: number[] = [];
  let v = value;
  while (v >= 0x80) {
    out.push((v % 128) | 0x80);
    v = Math.floor(v / 128);
  }
  out.push(v);
  return out;
}

/** The message's bytes: its fields written in order. */
function writeFields(fields: readonly Field[]): Uint8Array {
  const heads = fields.map((f) => Uint8Array.from([...varintBytes(f.no * 8 + f.wire), ...(f.wire === 2 ? varintBytes(f.data.length) : [])]));
  const out = new Uint8Array(heads.reduce((n, h, i) => n + h.length + fields[i]!.data.length, 0));
  let at = 0;
  fields.forEach((f, i) => {
    out.set(heads[i]!, at);
    at += heads[i]!.length;
    out.set(f.data, at);
    at += f.data.length;
  });
  return out;
}

const utf8 = new TextEncoder();
const text = new TextDecoder();

const bytesField = (no: number, data: Uint8Array): Field => ({ no, wire: 2, data });
const stringField = (no: number, s: string): Field => bytesField(no, utf8.encode(s));
const varintField = (no: number, n: number): Field => ({ no, wire: 0, data: Uint8Array.from(varintBytes(n)) });
function floatField(no: number, f: number): Field {
  const data = new Uint8Array(4);
  new DataView(data.buffer).setFloat32(0, f, true);
  return { no, wire: 5, data };
}

// Field numbers of onnx.proto.
const MODEL_GRAPH = 7;
const GRAPH_NODE = 1;
const NODE = { input: 1, output: 2, opType: 4, attribute: 5 } as const;
const ATTRIBUTE = { name: 1, f: 2, t: 5, ints: 8, type: 20 } as const;
const ATTRIBUTE_TYPE = { float: 1, tensor: 4 } as const;
const TENSOR = { dims: 1, dataType: 2, rawData: 9 } as const;
const FLOAT = 1;

/** A node of the graph: what the rewrites read and change; its other fields (name, domain) as read. */
export interface OnnxNode {
  opType: string;
  inputs: string[];
  outputs: string[];
  /** Each attribute's fields, by its name. */
  attributes: Map<string, Field[]>;
  other: Field[];
}

/** A float tensor: its shape and values. */
export interface FloatTensor {
  dims: number[];
  values: Float32Array;
}

export interface OnnxModel {
  nodes: OnnxNode[];
  /** The model's bytes with `nodes` in place of the graph's nodes. */
  write(nodes: readonly OnnxNode[]): Uint8Array;
}

function readNode(bytes: Uint8Array): OnnxNode {
  const node: OnnxNode = { opType: '', inputs: [], outputs: [], attributes: new Map(), other: [] };
  for (const f of readFields(bytes)) {
    if (f.no === NODE.input) node.inputs.push(text.decode(f.data));
    else if (f.no === NODE.output) node.outputs.push(text.decode(f.data));
    else if (f.no === NODE.opType) node.opType = text.decode(f.data);
    else if (f.no === NODE.attribute) {
      const fields = readFields(f.data);
      const name = fields.find((a) => a.no === ATTRIBUTE.name);
      node.attributes.set(name ? text.decode(name.data) : '', fields);
    } else node.other.push(f);
  }
  return node;
}

function writeNode(node: OnnxNode): Uint8Array {
  return writeFields([
    ...node.inputs.map((s) => stringField(NODE.input, s)),
    ...node.outputs.map((s) => stringField(NODE.output, s)),
    stringField(NODE.opType, node.opType),
    ...[...node.attributes.values()].map((fields) => bytesField(NODE.attribute, writeFields(fields))),
    ...node.other,
  ]);
}

/** The model's graph as nodes, and a way to write it back with other nodes. */
export function readModel(bytes: Uint8Array): OnnxModel {
  const model = readFields(bytes);
  const graphAt = model.findIndex((f) => f.no === MODEL_GRAPH);
  if (graphAt < 0) throw new Error('onnx: the model has no graph');
  const graph = readFields(model[graphAt]!.data);
  const nodes = graph.filter((f) => f.no === GRAPH_NODE).map((f) => readNode(f.data));
  const rest = graph.filter((f) => f.no !== GRAPH_NODE);
  return {
    nodes,
    write(changed) {
      const newGraph = writeFields([...changed.map((n) => bytesField(GRAPH_NODE, writeNode(n))), ...rest]);
      return writeFields(model.map((f, i) => (i === graphAt ? bytesField(MODEL_GRAPH, newGraph) : f)));
    },
  };
}

/** An attribute's float (`f`). */
export function floatAttribute(node: OnnxNode, name: string): number | undefined {
  const f = node.attributes.get(name)?.find((a) => a.no === ATTRIBUTE.f);
  return f ? new DataView(f.data.buffer, f.data.byteOffset, 4).getFloat32(0, true) : undefined;
}

/** A field's integers, packed or not. */
function intsOf(f: Field): number[] {
  if (f.wire === 0) return [varintAt(f.data, 0).value];
  const out: number[] = [];
  for (let at = 0; at < f.data.length;) {
    const v = varintAt(f.data, at);
    out.push(v.value);
    at = v.end;
  }
  return out;
}

/** An attribute's integers (`ints`). */
export function intsAttribute(node: OnnxNode, name: string): number[] {
  return (node.attributes.get(name) ?? []).filter((a) => a.no === ATTRIBUTE.ints).flatMap(intsOf);
}

/** The float tensor a Constant node holds in its raw data, or undefined (another type, or stored otherwise). */
export function constantValue(node: OnnxNode): FloatTensor | undefined {
  if (node.opType !== 'Constant') return undefined;
  const t = node.attributes.get('value')?.find((a) => a.no === ATTRIBUTE.t);
  if (!t) return undefined;
  const dims: number[] = [];
  let type = 0;
  let raw: Uint8Array | undefined;
  for (const f of readFields(t.data)) {
    if (f.no === TENSOR.dims) dims.push(...intsOf(f));
    else if (f.no === TENSOR.dataType) type = varintAt(f.data, 0).value;
    else if (f.no === TENSOR.rawData) raw = f.data;
  }
  if (type !== FLOAT || !raw || raw.length % 4 !== 0) return undefined;
  const values = new Float32Array(raw.length / 4);
  const view = new DataView(raw.buffer, raw.byteOffset, raw.length);
  for (let i = 0; i < values.length; i++) values[i] = view.getFloat32(4 * i, true);
  return { dims, values };
}

/** A Constant node giving `output` the float tensor. */
export function constantNode(output: string, tensor: FloatTensor): OnnxNode {
  const raw = new Uint8Array(tensor.values.length * 4);
  const view = new DataView(raw.buffer);
  tensor.values.forEach((v, i) => view.setFloat32(4 * i, v, true));
  const value = writeFields([
    ...tensor.dims.map((d) => varintField(TENSOR.dims, d)),
    varintField(TENSOR.dataType, FLOAT),
    bytesField(TENSOR.rawData, raw),
  ]);
  const attribute = [stringField(ATTRIBUTE.name, 'value'), bytesField(ATTRIBUTE.t, value), varintField(ATTRIBUTE.type, ATTRIBUTE_TYPE.tensor)];
  return { opType: 'Constant', inputs: [], outputs: [output], attributes: new Map([['value', attribute]]), other: [] };
}

/** A float attribute's fields. */
export function floatAttributeFields(name: string, f: number): Field[] {
  return [stringField(ATTRIBUTE.name, name), floatField(ATTRIBUTE.f, f), varintField(ATTRIBUTE.type, ATTRIBUTE_TYPE.float)];
}
