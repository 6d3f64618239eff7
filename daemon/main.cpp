// voxedge: the command line. `--config FILE` runs the daemon, `--check-config FILE`
// validates a file the way `nginx -t` does, `--version` prints build facts.
#include <cstdio>
#include <iostream>
#include <string>

#include <boost/program_options.hpp>

#include "base/build_info.hpp"
#include "daemon/application.hpp"
#include "daemon/config_check.hpp"

namespace po = boost::program_options;

int main(int argc, char** argv) {
  po::options_description desc("Usage: voxedge [--config FILE | --check-config FILE | --version]\n\nOptions");
  desc.add_options()                                                                   //
      ("config,c", po::value<std::string>(), "run with this YAML configuration file")  //
      ("check-config,t", po::value<std::string>(), "validate a configuration file and exit (0 = valid)")  //
      ("version,V", "print version and build information")                             //
      ("help,h", "print this help");
  po::variables_map vm;
  try {
    po::store(po::command_line_parser(argc, argv).options(desc).run(), vm);
    po::notify(vm);
  } catch (const po::error& e) {
    std::cerr << "voxedge: " << e.what() << "\n\n" << desc << '\n';
    return 2;
  }
  if (vm.count("help") != 0U) {
    std::cout << desc << '\n';
    return 0;
  }
  if (vm.count("version") != 0U) {
    std::cout << "voxedge " << voxedge::build_info::version << " (" << voxedge::build_info::revision << ", "
              << voxedge::build_info::compiler << ", " << voxedge::build_info::build_type << ")\n";
    return 0;
  }
  if (vm.count("check-config") != 0U) return voxedge::daemon::check_config(vm["check-config"].as<std::string>());

  const std::string config_path = vm.count("config") != 0U ? vm["config"].as<std::string>() : std::string();
  voxedge::daemon::application app(config_path);
  return app.run();
}
