# cmake -DBUILD_DIR=<build> -P check-layers.cmake: the probes of tests/layers, built in that tree.
function(probe target expect_success missing_header)
    execute_process(COMMAND ${CMAKE_COMMAND} --build ${BUILD_DIR} --target ${target}
                    RESULT_VARIABLE result OUTPUT_VARIABLE output ERROR_VARIABLE output)
    if(expect_success AND NOT result EQUAL 0)
        message(FATAL_ERROR "${target} should build (it includes only what its layer may):\n${output}")
    endif()
    if(NOT expect_success)
        if(result EQUAL 0)
            message(FATAL_ERROR "${target} built, but it includes ${missing_header} from a layer that may not "
                                "see it: the layers' include paths no longer keep them apart")
        endif()
        string(FIND "${output}" "${missing_header}: No such file" at)
        if(at EQUAL -1)
            message(FATAL_ERROR "${target} failed, but not for its include of ${missing_header}:\n${output}")
        endif()
    endif()
    message(STATUS "${target}: as expected")
endfunction()

probe(layer_probe_allowed TRUE "")
probe(layer_probe_upward FALSE "http/HttpTypes.h")
probe(layer_probe_sideways FALSE "whatsapp/MessageTransport.h")
