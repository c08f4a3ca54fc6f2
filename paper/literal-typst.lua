-- Text printed as typed in the PDF (a Pandoc Lua filter, run by Quarto and by the fallback).
--
-- Typst reads a few character sequences in plain text as shorthands: "--" and "---" as
-- dashes, "..." as an ellipsis, "-?" as a soft hyphen and "-" before a digit at the start of
-- a word as a minus sign, and Pandoc's Typst writer passes some of them through.  Text that
-- reaches the document as those characters (tracker text, escaped so the Markdown reader
-- keeps it literal: see analysis/presentation/markup.py) would change in the PDF alone.  Each "-" and "."
-- of such a word is written as a Typst Unicode escape instead.  Dashes and ellipses an author
-- types in narrative.md are already dash and ellipsis characters when this filter sees them.
if FORMAT ~= "typst" then
  return {}
end

local function has_shorthand(text)
  return text:find("--", 1, true)
    or text:find("...", 1, true)
    or text:find("-?", 1, true)
    or text:find("^%-%d")
end

local ESCAPES = { ["-"] = "\\u{2d}", ["."] = "\\u{2e}" }

function Str(element)
  local text = element.text
  if not has_shorthand(text) then
    return nil
  end
  local inlines, start = {}, 1
  for i = 1, #text do
    local escape = ESCAPES[text:sub(i, i)]
    if escape then
      if i > start then
        inlines[#inlines + 1] = pandoc.Str(text:sub(start, i - 1))
      end
      inlines[#inlines + 1] = pandoc.RawInline("typst", escape)
      start = i + 1
    end
  end
  if start <= #text then
    inlines[#inlines + 1] = pandoc.Str(text:sub(start))
  end
  return inlines
end
