# The console's Windows installer (NSIS), for a Windows build machine with Qt 6 for MSVC and NSIS:
#   cmake -S . -B build -G "Visual Studio 17 2022" -DLIFTLINE_BUILD_SERVER=OFF -DLIFTLINE_BUILD_TESTS=OFF
#   cmake --build build --config Release
#   cmake --install build --config Release --prefix build/stage --component console
#   windeployqt --release --no-translations build/stage/bin/liftline-console.exe
#   cpack --config build/CPackConfig.cmake -G NSIS -D CPACK_PROJECT_CONFIG_FILE=packaging/windows/CPackConsole.cmake
# windeployqt copies the Qt DLLs and the plug-ins the console loads at run time (platforms/qwindows,
# styles, tls); QtKeychain's DLL must be beside the executable too. Not built by this project's CI,
# which runs on Debian.
set(CPACK_GENERATOR NSIS)
set(CPACK_COMPONENTS_ALL console)
set(CPACK_PACKAGE_INSTALL_DIRECTORY "Liftline Console")
set(CPACK_NSIS_DISPLAY_NAME "Liftline Console")
set(CPACK_NSIS_PACKAGE_NAME "Liftline Console")
set(CPACK_NSIS_INSTALLED_ICON_NAME "bin\\\\liftline-console.exe")
set(CPACK_NSIS_CREATE_ICONS_EXTRA
    "CreateShortCut '$SMPROGRAMS\\\\$STARTMENU_FOLDER\\\\Liftline Console.lnk' '$INSTDIR\\\\bin\\\\liftline-console.exe'")
set(CPACK_NSIS_DELETE_ICONS_EXTRA "Delete '$SMPROGRAMS\\\\$START_MENU\\\\Liftline Console.lnk'")
set(CPACK_NSIS_ENABLE_UNINSTALL_BEFORE_INSTALL ON)
# Notifications on Windows go through the tray icon (QSystemTrayIcon::showMessage); the token through
# the Windows Credential Manager (QtKeychain).
