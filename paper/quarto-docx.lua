-- Quarto's Word output made to read like the rest of the paper (run after Quarto's filters).
--
-- Listed after `quarto` under format: docx: filters in _quarto.yml, this filter sees what
-- Quarto's crossref and layout filters made and changes three things a reader would notice,
-- so that Quarto's paper.docx matches the fallback renderer's (analysis/publishing/render/pandoc_typst.py):
--
-- 1. Section numbers.  Quarto writes a top-level number as Str "1", Str ". ", where the
--    lower levels, the PDF, the HTML and the seed paper have "1 HMICFRS update".
-- 2. Floats.  Quarto wraps every figure and table, caption included, in a one-cell
--    layout table, and gives the caption raw OpenXML paragraph properties (always the
--    "Image Caption" style, even for a table).  The float is unwrapped and its caption
--    becomes an ordinary paragraph in "Table Caption" or "Image Caption", as Pandoc
--    writes them.
-- 3. Alt text.  A figure's `fig-alt` reaches Word as the picture's description.
--
-- Anything not shaped exactly as expected is left alone, so a change in Quarto's output
-- shows in the renderer comparison tests (tests/analysis/test_renderers_agree.py) rather
-- than being rewritten blindly.

local function is_float_id(id)
  return id:match("^fig%-") ~= nil or id:match("^tbl%-") ~= nil
end

function Header(el)
  local number = el.attributes["number"]
  local first, second = el.content[1], el.content[2]
  if number and first and second and first.t == "Str" and first.text == number
    and second.t == "Str" and second.text == ". " then
    el.content[2] = pandoc.Space()
  end
  return el
end

local function plain_caption(block, style)
  if block.t ~= "Para" then
    return nil
  end
  local raw = block.content[1]
  if raw and raw.t == "RawInline" and raw.format == "openxml"
    and raw.text:match('w:pStyle w:val="ImageCaption"') then
    local inlines = block.content:clone()
    inlines:remove(1)
    return pandoc.Div({ pandoc.Para(inlines) }, { ["custom-style"] = style })
  end
  return nil
end

local function with_alt_text(block)
  return pandoc.walk_block(block, {
    Image = function(image)
      local alt = image.attributes["fig-alt"]
      if alt and #image.caption == 0 then
        image.caption = pandoc.Inlines({ pandoc.Str(alt) })
      end
      return image
    end,
  })
end

function Table(tbl)
  if #tbl.colspecs ~= 1 or #tbl.head.rows ~= 0 or #tbl.bodies ~= 1 then
    return nil
  end
  local rows = tbl.bodies[1].body
  if #rows ~= 1 or #rows[1].cells ~= 1 then
    return nil
  end
  local blocks = rows[1].cells[1].contents
  if #blocks ~= 1 or blocks[1].t ~= "Div" or not is_float_id(blocks[1].identifier) then
    return nil
  end
  local float = blocks[1]
  local style = float.identifier:match("^tbl%-") and "Table Caption" or "Image Caption"
  local content = pandoc.Blocks({})
  for _, block in ipairs(float.content) do
    content:insert(plain_caption(block, style) or with_alt_text(block))
  end
  float.content = content
  return float
end
