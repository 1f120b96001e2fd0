import { constantNode, constantValue, floatAttribute, floatAttributeFields, intsAttribute, readModel, type FloatTensor, type OnnxNode } from './onnx.js';

/**
 * The recogniser's graph made cheaper to run, the same function (to float rounding). PP-OCRv4's
 * backbone (PP-LCNetV3) follows each convolution with a learnable scalar affine (`a·x + b`), a
 * hard-swish written out as four element-wise operators (`x · clip(x + 3, 0, 6) / 6`) and another
 * scalar affine; onnxruntime fuses none of them, and each is a pass over the feature map that
 * also breaks its blocked (NCHWc) convolution layout: two fifths of the model's time on this
 * machine went to them. Here the affines are folded into the convolutions' weights and the
 * hard-swish becomes `x · HardSigmoid(x)`.
 */
export interface Folded {
  model: Uint8Array;
  hardSwishes: number;
  affinesAfter: number;
  affinesBefore: number;
}

export function foldRecogniser(bytes: Uint8Array): Folded {
  const model = readModel(bytes);
  const graph = new Graph(model.nodes);
  const hardSwishes = graph.hardSwishes();
  const affinesAfter = graph.affinesAfterConv();
  const affinesBefore = graph.affinesBeforeConv();
  return { model: model.write(graph.withoutUnusedConstants()), hardSwishes, affinesAfter, affinesBefore };
}

class Graph {
  private nodes: OnnxNode[];
  private readonly constants = new Map<string, FloatTensor>();
  /** Constant nodes made during a pass. */
  private added: OnnxNode[] = [];
  private fresh = 0;

  constructor(nodes: OnnxNode[]) {
    this.nodes = nodes;
    for (const n of nodes) {
      const value = constantValue(n);
      if (value) this.constants.set(n.outputs[0]!, value);
    }
  }

  /** The nodes reading each value. */
  private consumers(): Map<string, OnnxNode[]> {
    const out = new Map<string, OnnxNode[]>();
    for (const n of this.nodes) for (const i of n.inputs) out.set(i, [...(out.get(i) ?? []), n]);
    return out;
  }

  private scalar(name: string | undefined): number | undefined {
    const c = name === undefined ? undefined : this.constants.get(name);
    return c?.values.length === 1 ? c.values[0] : undefined;
  }

  /** `node` (Mul or Add) of a tensor and a scalar constant: the tensor's name and the scalar. */
  private scalarOperation(node: OnnxNode | undefined, op: 'Mul' | 'Add'): { x: string; k: number } | undefined {
    if (node?.opType !== op || node.inputs.length !== 2) return undefined;
    const [p, q] = node.inputs as [string, string];
    const kq = this.scalar(q);
    if (kq !== undefined && !this.constants.has(p)) return { x: p, k: kq };
    const kp = this.scalar(p);
    return kp !== undefined && !this.constants.has(q) ? { x: q, k: kp } : undefined;
  }

  private only(consumers: Map<string, OnnxNode[]>, value: string): OnnxNode | undefined {
    const c = consumers.get(value);
    return c?.length === 1 ? c[0] : undefined;
  }

  /** A new constant's name; its node joins the graph when the pass ends (the pass walks the nodes as they were). */
  private addConstant(tensor: FloatTensor): string {
    const name = `zipin.folded.${this.fresh++}`;
    this.constants.set(name, tensor);
    this.added.push(constantNode(name, tensor));
    return name;
  }

  /**
   * `rewrite` tried on every node, with the nodes reading each value as they were before the
   * pass: it changes the nodes it matched and returns those now gone, or null where nothing
   * matched. How many places it rewrote.
   */
  private pass(rewrite: (node: OnnxNode, consumers: Map<string, OnnxNode[]>) => OnnxNode[] | null): number {
    const consumers = this.consumers();
    const gone = new Set<OnnxNode>();
    let count = 0;
    for (const node of this.nodes) {
      const dropped = rewrite(node, consumers);
      if (dropped === null) continue;
      for (const n of dropped) gone.add(n);
      count++;
    }
    this.nodes = [...this.added, ...this.nodes.filter((n) => !gone.has(n))];
    this.added = [];
    return count;
  }

  /** `y · clip(y + 3, 0, 6) / 6` → `y · HardSigmoid(y)` (alpha 1/6, beta 1/2). */
  hardSwishes(): number {
    return this.pass((add, consumers) => {
      const plus = this.scalarOperation(add, 'Add');
      if (plus?.k !== 3) return null;
      const clip = this.only(consumers, add.outputs[0]!);
      if (clip?.opType !== 'Clip' || clip.inputs.length !== 1 || floatAttribute(clip, 'min') !== 0 || floatAttribute(clip, 'max') !== 6) return null;
      const mul = this.only(consumers, clip.outputs[0]!);
      if (mul?.opType !== 'Mul' || !mul.inputs.includes(plus.x) || !mul.inputs.includes(clip.outputs[0]!)) return null;
      const div = this.only(consumers, mul.outputs[0]!);
      if (div?.opType !== 'Div' || div.inputs[0] !== mul.outputs[0] || this.scalar(div.inputs[1]) !== 6) return null;
      add.opType = 'HardSigmoid';
      add.inputs = [plus.x];
      add.outputs = [clip.outputs[0]!];
      add.attributes = new Map([['alpha', floatAttributeFields('alpha', 1 / 6)], ['beta', floatAttributeFields('beta', 0.5)]]);
      mul.outputs = [div.outputs[0]!];
      return [clip, div];
    });
  }

  /** A convolution's weights and bias (zeros when it has none), when they are constants. */
  private convWeights(conv: OnnxNode): { w: FloatTensor; b: Float32Array } | undefined {
    const w = this.constants.get(conv.inputs[1] ?? '');
    if (!w || w.dims.length !== 4) return undefined;
    const b = conv.inputs[2] === undefined ? new Float32Array(w.dims[0]!) : this.constants.get(conv.inputs[2])?.values;
    return b !== undefined && b.length === w.dims[0] ? { w, b } : undefined;
  }

  private setConvWeights(conv: OnnxNode, w: FloatTensor, b: Float32Array): void {
    conv.inputs = [conv.inputs[0]!, this.addConstant(w), this.addConstant({ dims: [b.length], values: b })];
  }

  /** `Conv(x) · a + b` → `Conv'(x)`: weights times a, bias times a plus b. */
  affinesAfterConv(): number {
    return this.pass((conv, consumers) => {
      if (conv.opType !== 'Conv') return null;
      const weights = this.convWeights(conv);
      const mulNode = this.only(consumers, conv.outputs[0]!);
      const mul = this.scalarOperation(mulNode, 'Mul');
      if (!weights || !mulNode || !mul || mul.x !== conv.outputs[0]) return null;
      const addNode = this.only(consumers, mulNode.outputs[0]!);
      const plus = this.scalarOperation(addNode, 'Add');
      const add = addNode && plus && plus.x === mulNode.outputs[0] ? { node: addNode, k: plus.k } : null;
      const a = mul.k;
      const shift = add?.k ?? 0;
      this.setConvWeights(conv, { dims: weights.w.dims, values: weights.w.values.map((v) => v * a) }, weights.b.map((v) => v * a + shift));
      conv.outputs = [(add?.node ?? mulNode).outputs[0]!];
      return add ? [mulNode, add.node] : [mulNode];
    });
  }

  /**
   * `Conv(x · c + d)` → `Conv'(x)`: weights times c, and d times each filter's sum added to its
   * bias — exact only where the convolution pads nothing (its padding is zeros, not d). A padded
   * one keeps an addition, `Conv'(x + d/c)`.
   */
  affinesBeforeConv(): number {
    return this.pass((mulNode, consumers) => {
      const mul = this.scalarOperation(mulNode, 'Mul');
      if (!mul || mul.k === 0) return null;
      const addNode = this.only(consumers, mulNode.outputs[0]!);
      const add = this.scalarOperation(addNode, 'Add');
      if (!addNode || !add || add.x !== mulNode.outputs[0]) return null;
      const conv = this.only(consumers, addNode.outputs[0]!);
      const weights = conv?.opType === 'Conv' && conv.inputs[0] === addNode.outputs[0] ? this.convWeights(conv) : undefined;
      if (!conv || !weights) return null;
      const { w, b } = weights;
      const c = mul.k;
      const d = add.k;
      const padded = conv.attributes.has('auto_pad') || intsAttribute(conv, 'pads').some((p) => p !== 0);
      if (padded) {
        addNode.inputs = [mul.x, this.addConstant({ dims: [1], values: Float32Array.of(d / c) })];
        this.setConvWeights(conv, { dims: w.dims, values: w.values.map((v) => v * c) }, b);
        return [mulNode];
      }
      const perFilter = w.values.length / w.dims[0]!;
      const bias = b.map((v, o) => v + d * w.values.subarray(o * perFilter, (o + 1) * perFilter).reduce((sum, x) => sum + x, 0));
      conv.inputs[0] = mul.x;
      this.setConvWeights(conv, { dims: w.dims, values: w.values.map((v) => v * c) }, bias);
      return [mulNode, addNode];
    });
  }

  /** The nodes, less the Constant nodes nothing reads any more (the weights folded away). */
  withoutUnusedConstants(): OnnxNode[] {
    const read = new Set(this.nodes.flatMap((n) => n.inputs));
    return this.nodes.filter((n) => n.opType !== 'Constant' || n.outputs.some((o) => read.has(o)));
  }
}
