// The tests and the sandbox start redis-server the same way.
export {
  freePort,
  type RedisServerHandle,
  spawnRedisServer,
  startRedisServer,
} from "@hikkoshi/test-hosts/redisServer";
