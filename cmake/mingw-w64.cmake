# Cross-compiling for 64-bit Windows with Debian's MinGW-w64 (g++-mingw-w64-x86-64-posix), used
# by tools/build-windows.sh. The posix thread model is the one whose libstdc++ has std::thread
# and std::mutex. OKTA_BULK_WINDOWS_PREFIX is where build-windows.sh installed the OpenSSL and
# simdjson it cross-built; Boost is header-only and comes from the build machine's
# /usr/include.
set(CMAKE_SYSTEM_NAME Windows)
set(CMAKE_SYSTEM_PROCESSOR x86_64)
set(OKTA_BULK_MINGW x86_64-w64-mingw32)
set(CMAKE_C_COMPILER ${OKTA_BULK_MINGW}-gcc-posix)
set(CMAKE_CXX_COMPILER ${OKTA_BULK_MINGW}-g++-posix)
set(CMAKE_RC_COMPILER ${OKTA_BULK_MINGW}-windres)
set(CMAKE_AR ${OKTA_BULK_MINGW}-ar CACHE FILEPATH "")
set(CMAKE_RANLIB ${OKTA_BULK_MINGW}-ranlib CACHE FILEPATH "")

# Search the target's libraries and headers only in the MinGW sysroot and our prefix; programs
# (perl, git) on the build machine.
set(CMAKE_FIND_ROOT_PATH /usr/${OKTA_BULK_MINGW})
if(OKTA_BULK_WINDOWS_PREFIX)
  list(APPEND CMAKE_FIND_ROOT_PATH ${OKTA_BULK_WINDOWS_PREFIX})
  set(OPENSSL_ROOT_DIR ${OKTA_BULK_WINDOWS_PREFIX})
  set(OPENSSL_USE_STATIC_LIBS TRUE)
  list(APPEND CMAKE_PREFIX_PATH ${OKTA_BULK_WINDOWS_PREFIX})
endif()
set(CMAKE_FIND_ROOT_PATH_MODE_PROGRAM NEVER)
set(CMAKE_FIND_ROOT_PATH_MODE_LIBRARY ONLY)
set(CMAKE_FIND_ROOT_PATH_MODE_INCLUDE ONLY)
set(CMAKE_FIND_ROOT_PATH_MODE_PACKAGE ONLY)
# Boost's headers are the build machine's (header-only use; no Boost library is linked), seen
# through PREFIX/include/boost -> /usr/include/boost (build-windows.sh makes the link): adding
# /usr/include itself would put glibc's headers before MinGW's.
set(Boost_NO_SYSTEM_PATHS ON)

# One .exe with nothing beside it: libgcc, libstdc++ and winpthread linked in.
set(CMAKE_EXE_LINKER_FLAGS_INIT "-static -static-libgcc -static-libstdc++")
