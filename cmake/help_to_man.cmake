# cmake -DEXE=path -DNAME=okta-mock -DSUMMARY=... -DOUT=file.1 -P help_to_man.cmake
# Writes a man page for a tool from its --help (kept as it is, in a no-fill block) and its
# --version, at build time, so the page says what the binary says.
execute_process(COMMAND ${EXE} --help OUTPUT_VARIABLE help RESULT_VARIABLE rc)
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "${EXE} --help failed (${rc})")
endif()
execute_process(COMMAND ${EXE} --version OUTPUT_VARIABLE version RESULT_VARIABLE rc)
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "${EXE} --version failed (${rc})")
endif()
string(REGEX MATCH "^[^\n]*" first_line "${version}")
foreach(var help version)
  string(REPLACE "\\" "\\e" ${var} "${${var}}")
  string(REPLACE "-" "\\-" ${var} "${${var}}")
  string(REGEX REPLACE "(^|\n)([.'])" "\\1\\\\&\\2" ${var} "${${var}}")
endforeach()
string(REPLACE "-" "\\-" name "${NAME}")
string(TOUPPER "${name}" upper)
file(WRITE "${OUT}" ".\\\" ${NAME}(1), generated from its --help at build time.
.TH ${upper} 1 \"\" \"${first_line}\" \"User Commands\"
.SH NAME
${name} \\- ${SUMMARY}
.SH DESCRIPTION
.nf
${help}.fi
.SH VERSION
.nf
${version}.fi
.SH \"SEE ALSO\"
.BR okta\\-bulk (1)
")
