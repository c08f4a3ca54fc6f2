-- Word tables set in the "Table Text" style (10 pt), for both renderers.
--
-- Pandoc writes every table cell's text in "Compact", the style of tight lists too, so
-- the reference document cannot size table text apart from list text.  This filter puts
-- each cell's content in a custom-style Div, which Pandoc's Word writer turns into the
-- paragraph style "Table Text" (defined in paper/make_reference_docx.py).  The PDF sets its
-- tables at the same 10 pt (paper/typst-template.typ), and analysis/presentation/tables.py sizes the
-- columns for it.

local function restyle(cell)
  -- Pandoc's Word writer styles a Plain block in a table "Compact" whatever surrounds it,
  -- so a cell's Plain text becomes a Para, which takes the Div's style.
  local blocks = cell.contents:walk({ Plain = function(plain) return pandoc.Para(plain.content) end })
  cell.contents = pandoc.Blocks({ pandoc.Div(blocks, { ["custom-style"] = "Table Text" }) })
  return cell
end

local function restyle_rows(rows)
  for _, row in ipairs(rows) do
    for _, cell in ipairs(row.cells) do
      restyle(cell)
    end
  end
end

function Table(tbl)
  restyle_rows(tbl.head.rows)
  for _, body in ipairs(tbl.bodies) do
    restyle_rows(body.head)
    restyle_rows(body.body)
  end
  restyle_rows(tbl.foot.rows)
  return tbl
end
