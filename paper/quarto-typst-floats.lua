-- Quarto's figures free to float in the PDF, as the fallback renderer's are (run after Quarto's filters).
--
-- paper/typst-template.typ lets a figure float (`placement: auto`): a chart too tall for what
-- is left of its page goes to the top of the next and the text after it fills the gap.  Typst
-- floats a figure only within its container, and Quarto writes each embedded cell's output
-- inside Divs that Pandoc's Typst writer draws as `#block[...]`, so there a figure could not
-- leave its block and still pushed a third of a page blank.  This filter, listed after
-- `quarto` under format: typst: filters in _quarto.yml, unwraps the Divs around a figure
-- float (Quarto has written it as raw Typst by then: `kind: "quarto-float-fig"`).  The
-- fallback (analysis/publishing/render/pandoc_typst.py) writes its figures without such Divs and
-- does not run this filter.

local FIGURE_KIND = 'kind: "quarto-float-fig"'

local function holds_figure(div)
  local found = false
  local function look(raw)
    if raw.format == "typst" and raw.text:find(FIGURE_KIND, 1, true) then
      found = true
    end
  end
  pandoc.walk_block(div, { RawInline = look, RawBlock = look })
  return found
end

function Div(div)
  if holds_figure(div) then
    return div.content
  end
  return nil
end
