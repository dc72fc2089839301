; Outline of a markdown document, inline grammar (tree-sitter-md INLINE_LANGUAGE): code spans.
; Read by src/syntax/tree.rs, which runs it over every inline tree of the document.

(code_span) @code.span
