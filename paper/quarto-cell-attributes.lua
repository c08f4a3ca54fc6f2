-- Quarto's HTML made the same on every render: the notebooks' cell metadata left out of it.
--
-- Quarto turns each embedded cell into a div and copies the cell's metadata onto it as
-- attributes: papermill's record of the run (a JSON object, which Quarto names
-- "quarto-private-1") and Jupyter's empty tag list, beside the execution count.  Its float
-- filters then rebuild a figure's or table's attributes from a Lua table, whose order
-- depends on each process's random hash seed, so two renders of the same notebooks wrote
-- paper.html with these attributes in different orders.  Someone rerunning a past quarter
-- must get the published bytes back; with the metadata gone each cell keeps one attribute
-- (its execution count), whose order cannot vary.  The metadata says nothing to a reader:
-- the executed notebooks are published beside the paper with all of it.
--
-- Listed in _quarto.yml with `at: pre-ast`, so it sees the cells before Quarto's float
-- filters do; HTML only, the one format that writes attributes out.  The fallback renderer
-- (analysis/publishing/render/pandoc_typst.py) never writes them, so it does not run this filter.

local function private_metadata(name)
  return name == "tags" or name:match("^quarto%-private%-%d+$") ~= nil
end

function Div(div)
  if not div.classes:includes("cell") then
    return nil
  end
  local names = {}
  for name, _ in pairs(div.attributes) do
    if private_metadata(name) then
      table.insert(names, name)
    end
  end
  if #names == 0 then
    return nil
  end
  for _, name in ipairs(names) do
    div.attributes[name] = nil
  end
  return div
end
