import { printedBlocks } from 'hmr-doctor-playground/kit'
import { parseAst } from 'vite'

type Node = { type: string; [key: string]: unknown }

/** Whether a parsed expression is data only: literals, and arrays and objects of them under plain keys. */
function isLiteralData(node: Node): boolean {
  if (node.type === 'Literal') return true
  if (node.type === 'ArrayExpression') return (node.elements as Node[]).every(isLiteralData)
  if (node.type === 'ObjectExpression') {
    return (node.properties as Node[]).every(
      (property) =>
        property.type === 'Property' &&
        property.computed === false &&
        property.kind === 'init' &&
        ['Identifier', 'Literal'].includes((property.key as Node).type) &&
        isLiteralData(property.value as Node),
    )
  }
  return false
}

/**
 * The vite.config blocks in a doctor's output that are not pure data: each block, parsed by a real
 * JavaScript parser (Vite's own), must be `export default defineConfig(<literals only>)`.
 */
export function viteBlocksWithCode(output: string): string[] {
  const offending: string[] = []
  for (const [where, text] of printedBlocks(output)) {
    if (!where.includes('vite.config')) continue
    let data = false
    try {
      const program = parseAst(text) as unknown as { body: Node[] }
      const declaration = program.body.length === 1 ? (program.body[0]?.declaration as Node | undefined) : undefined
      const args = declaration?.arguments as Node[] | undefined
      data =
        declaration?.type === 'CallExpression' &&
        (declaration.callee as Node).name === 'defineConfig' &&
        args?.length === 1 &&
        isLiteralData(args[0] as Node)
    } catch {
      data = false
    }
    if (!data) offending.push(text)
  }
  return offending
}
