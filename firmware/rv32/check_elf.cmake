# ctest helper: the RV32 firmware ELF exists and riscv64-unknown-elf-size
# reports its sections. Prints the size table and the text size.
#   cmake -DELF=<file> -DSIZE=<riscv64-unknown-elf-size> -P check_elf.cmake
if(NOT EXISTS "${ELF}")
  message(FATAL_ERROR "RV32 firmware ELF not found: ${ELF} (build target pnmsim_firmware_rv32)")
endif()
execute_process(COMMAND "${SIZE}" "${ELF}" OUTPUT_VARIABLE out ERROR_VARIABLE err
                RESULT_VARIABLE rc)
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "${SIZE} ${ELF} failed (${rc}): ${err}")
endif()
message("${out}")
string(REGEX MATCH "\n[ \t]*([0-9]+)[ \t]+([0-9]+)[ \t]+([0-9]+)" m "${out}")
if(NOT CMAKE_MATCH_1 OR CMAKE_MATCH_1 EQUAL 0)
  message(FATAL_ERROR "no text size in: ${out}")
endif()
message("RV32 firmware text size: ${CMAKE_MATCH_1} bytes (data ${CMAKE_MATCH_2}, bss ${CMAKE_MATCH_3})")
