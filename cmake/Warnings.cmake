# Warnings for tsnode's own targets (not for lwIP or generated code).
function(tsnode_warnings target)
  target_compile_options(${target} PRIVATE -Wall -Wextra -Wpedantic -Wshadow
    -Wnon-virtual-dtor -Wno-missing-field-initializers)
endfunction()
