import fc from 'fast-check';
import { AssignerProtocol, Cluster, Logger } from 'kafkajs';
import { CO_PARTITIONED, coPartitionedAssignment, CoPartitionedAssigner } from './co-partitioned-assigner';

const TOPICS = ['erp.documents', 'erp.journal-entries', 'erp.bill-portfolio', 'erp.credit-limits'];

describe('co-partitioned assignment', () => {
  it('gives partition p of every topic to one member, every partition exactly once, members balanced', () => {
    fc.assert(
      fc.property(
        fc.uniqueArray(fc.string({ minLength: 1, maxLength: 12 }), { minLength: 1, maxLength: 8 }),
        fc.integer({ min: 1, max: 24 }),
        (members, partitions) => {
          const partitionIds = Array.from({ length: partitions }, (_, p) => p).reverse();
          const assignment = coPartitionedAssignment(members, new Map(TOPICS.map((t) => [t, partitionIds])));
          expect([...assignment.keys()].sort()).toEqual([...members].sort());
          const ownerOf = new Map<string, string>();
          for (const [member, owned] of assignment) {
            for (const [topic, list] of Object.entries(owned)) {
              for (const p of list) {
                expect(ownerOf.has(`${topic}/${p}`)).toBe(false);
                ownerOf.set(`${topic}/${p}`, member);
              }
            }
          }
          expect(ownerOf.size).toBe(TOPICS.length * partitions);
          for (let p = 0; p < partitions; p++) {
            const owners = new Set(TOPICS.map((t) => ownerOf.get(`${t}/${p}`)));
            expect(owners.size).toBe(1);
          }
          const counts = [...assignment.values()].map((owned) => (owned[TOPICS[0]] ?? []).length);
          expect(Math.max(...counts) - Math.min(...counts)).toBeLessThanOrEqual(1);
        },
      ),
    );
  });

  it("speaks kafkajs' assigner protocol: each member's assignment decodes to its partitions", async () => {
    const cluster = {
      findTopicPartitionMetadata: (topic: string) =>
        [0, 1, 2].map((partitionId) => ({ topic, partitionId, leader: 0, replicas: [0], isr: [0] })),
    } as unknown as Cluster;
    const assigner = CoPartitionedAssigner({ cluster, groupId: 'g', logger: {} as Logger });
    expect(assigner.name).toBe(CO_PARTITIONED);
    const assigned = await assigner.assign({
      members: [
        { memberId: 'b', memberMetadata: Buffer.alloc(0) },
        { memberId: 'a', memberMetadata: Buffer.alloc(0) },
      ],
      topics: ['x', 'y'],
    });
    const decoded = Object.fromEntries(
      assigned.map(({ memberId, memberAssignment }) => [
        memberId,
        AssignerProtocol.MemberAssignment.decode(memberAssignment)!.assignment,
      ]),
    );
    expect(decoded).toEqual({ a: { x: [0, 2], y: [0, 2] }, b: { x: [1], y: [1] } });
    const metadata = AssignerProtocol.MemberMetadata.decode(
      assigner.protocol({ topics: ['x', 'y'] }).metadata,
    );
    expect(metadata?.topics).toEqual(['x', 'y']);
  });
});
