# The console's macOS disk image, for a Mac with Qt 6 (Homebrew or the Qt installer):
#   cmake -S . -B build -DLIFTLINE_BUILD_SERVER=OFF -DLIFTLINE_BUILD_TESTS=OFF -DCMAKE_BUILD_TYPE=Release
#   cmake --build build
#   (liftline-console is an app bundle there: MACOSX_BUNDLE in app/CMakeLists.txt)
#   macdeployqt build/app/liftline-console.app -always-overwrite
#   cpack --config build/CPackConfig.cmake -G DragNDrop -D CPACK_PROJECT_CONFIG_FILE=packaging/macos/CPackConsole.cmake
# macdeployqt copies the Qt frameworks and plug-ins (platforms/libqcocoa) into the bundle; sign and
# notarise the image before handing it to agents. Not built by this project's CI, which runs on Debian.
set(CPACK_GENERATOR DragNDrop)
set(CPACK_COMPONENTS_ALL console)
set(CPACK_DMG_VOLUME_NAME "Liftline Console")
set(CPACK_DMG_FORMAT UDBZ)
# Notifications on macOS go through the tray (menu bar) icon; the token through the Keychain (QtKeychain).
