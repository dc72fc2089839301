; Outline of a markdown document, block grammar (tree-sitter-md LANGUAGE): headings, fenced code,
; YAML front matter and pipe tables. Read by src/syntax/tree.rs, which turns captures into an Outline.

(atx_heading
  [
    (atx_h1_marker)
    (atx_h2_marker)
    (atx_h3_marker)
    (atx_h4_marker)
    (atx_h5_marker)
    (atx_h6_marker)
  ] @heading.marker
  heading_content: (inline)? @heading.content) @heading.atx

(setext_heading
  heading_content: (paragraph
    (inline) @heading.content)
  [
    (setext_h1_underline)
    (setext_h2_underline)
  ] @heading.marker) @heading.setext

(fenced_code_block
  (info_string)? @code.info) @code.fenced

(minus_metadata) @front_matter

(pipe_table) @table
