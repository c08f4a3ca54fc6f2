-- Word gets each chart as the 200 dpi PNG its notebook stored beside the SVG.
--
-- Both renderers draw the HTML and the PDF from a chart's SVG (vector, its text kept as text).
-- Pandoc writes an SVG into a Word file only with a PNG fallback it makes with rsvg-convert,
-- which is not installed everywhere, and Word before 2016 cannot show an SVG alone.  So
-- analysis/publishing/render/chart_assets.py writes every chart's PNG, as the notebook stored it, to
-- _word-figures/<label>.png, and this filter puts it in place of the SVG of the figure with
-- that label: Quarto's float (a Div) or the fallback's Figure.  Nothing else is changed.

local FOLDER = "_word-figures/"

local function exists(path)
  local file = io.open(path, "rb")
  if file then
    file:close()
    return true
  end
  return false
end

local function with_png(el)
  local id = el.identifier or ""
  if not id:match("^fig%-") then
    return nil
  end
  local png = FOLDER .. id .. ".png"
  if not exists(png) then
    return nil
  end
  return pandoc.walk_block(el, {
    Image = function(image)
      if image.src:match("%.svg$") then
        image.src = png
        return image
      end
      return nil
    end,
  })
end

Div = with_png
Figure = with_png
