import type { Parent, Root, RootContent } from "mdast";
import { splitCitations } from "./citations";

/** The hast property of the `<sup>` that stands for a citation marker: the source's number. */
export const citationProperty = "dataCitation";

/**
 * A remark plugin that turns the `[n]` markers in the answer's text into citation elements (`<sup data-citation=n>`),
 * which the renderer shows as buttons. Code, inline code and link text are left as written; so are markers of unknown
 * sources.
 */
export function remarkCitations({ isKnownSource }: { isKnownSource: (index: number) => boolean }) {
  return (tree: Root) => {
    replaceMarkers(tree, isKnownSource);
  };
}

function replaceMarkers(parent: Parent, isKnownSource: (index: number) => boolean): void {
  parent.children = parent.children.flatMap((child): RootContent[] => {
    if (child.type === "text") {
      return splitCitations(child.value, isKnownSource).map((segment) =>
        segment.kind === "text"
          ? { type: "text", value: segment.text }
          : {
              type: "text",
              value: `[${segment.index}]`,
              data: { hName: "sup", hProperties: { [citationProperty]: segment.index } },
            },
      );
    }
    // A button inside a link would be a control inside a control.
    if ("children" in child && child.type !== "link" && child.type !== "linkReference") {
      replaceMarkers(child, isKnownSource);
    }
    return [child];
  });
}
